/**
 * Whether start-up work (reference data, the first administrator, the modules) has finished.
 * Until it has, answering would show partial data (2 of the 11 countries, no courses): so
 * pages and the API answer 503 with a short localised "starting" message and Retry-After,
 * and `/healthz` says it is starting. Only the assets and the health check pass.
 */
import type { RequestHandler } from 'express';
import { AppError } from './errors';

export class Readiness {
  private waitingFor: string | undefined;

  /** `waitingFor`: what start-up is doing, for `/healthz`; none means ready. */
  constructor(waitingFor?: string) {
    this.waitingFor = waitingFor;
  }

  get ready(): boolean {
    return this.waitingFor === undefined;
  }

  get reason(): string | undefined {
    return this.waitingFor;
  }

  markReady(): void {
    this.waitingFor = undefined;
  }
}

/** 503 while the app is starting: retry in a few seconds. */
export class StartingError extends AppError {
  constructor(reason: string) {
    super(503, 'starting', 'starting', `starting: ${reason}`);
  }
}

const RETRY_AFTER_SECONDS = 5;
const ALWAYS_SERVED = /^\/(assets\/|healthz$)/;

export function readinessGate(readiness: Readiness): RequestHandler {
  return (req, res, next) => {
    if (readiness.ready || ALWAYS_SERVED.test(req.path)) return next();
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    next(new StartingError(readiness.reason ?? 'starting'));
  };
}
