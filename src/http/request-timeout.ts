/**
 * No page or API call hangs: a request still unanswered after the configured time gets a 503
 * with a localised "took too long, try again" and Retry-After (issue 12: with the database
 * paused, requests waited 20 s and more). Work that is long by nature (a CSV import, a
 * recount) opts out with `allowLongRequest`; a download that has started sending is never
 * cut. An answer that comes after the 503 is dropped (errorHandler knows it was timed out).
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './errors';

export class RequestTimeoutError extends AppError {
  constructor() {
    super(503, 'timeout', 'timeout', 'the request took too long');
  }
}

const RETRY_AFTER_SECONDS = 10;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set when the 503 for a request that took too long was sent. */
      timedOut?: boolean;
      /** Stops this request's timer (allowLongRequest). */
      cancelTimeout?: () => void;
    }
  }
}

/** `answer`: the app's error handler, so the 503 looks like every other error page or problem. */
export function requestTimeout(timeoutMs: number, answer: ErrorRequestHandler): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent || res.writableEnded) return;
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      answer(new RequestTimeoutError(), req, res, () => undefined);
      // From now on, what the request's own work answers or throws is dropped.
      res.locals.timedOut = true;
    }, timeoutMs);
    timer.unref();
    const cancel = () => clearTimeout(timer);
    res.locals.cancelTimeout = cancel;
    res.once('finish', cancel);
    res.once('close', cancel);
    next();
  };
}

/** For routes whose work is long by nature: no timeout (the client's own still applies). */
export const allowLongRequest: RequestHandler = (_req, res, next) => {
  res.locals.cancelTimeout?.();
  next();
};
