import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, type Options, rateLimit } from 'express-rate-limit';
import { TooManyRequestsError } from './errors';
import { MongoRateLimitStore } from './rate-limit-store';

export interface LimitOptions {
  /** Names the counter family in the database, e.g. `sign-in-ip`. */
  name: string;
  limit: number;
  windowMs: number;
  /** What is counted: the client address by default; an account's email for per-account limits. */
  key?: (req: Request) => string | undefined;
  /**
   * Count only failed attempts (status ≥ 400), as for sign-in: recorded as they are answered,
   * so that honest requests at once (a training room signing in behind one address) never
   * count, and the next attempt after a failure sees it.
   */
  onlyFailures?: boolean;
  /**
   * With `onlyFailures`: attempts still running on this instance count too, so a burst of
   * simultaneous guesses gets no more tries than the limit (for per-account limits, where
   * one person's honest requests are never many at once).
   */
  countInFlight?: boolean;
}

export const FIFTEEN_MINUTES = 15 * 60 * 1000;

export function clientAddressKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
}

/**
 * A limit shared by every instance (counters in the database). Past it, the request becomes
 * a 429 with Retry-After, rendered like every other error (page or problem document).
 */
export function limitRequests(options: LimitOptions): RequestHandler {
  if (options.onlyFailures) return limitFailures(options);
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new MongoRateLimitStore(options.name),
    // A request without the key (no email typed) is not counted under a per-account limit.
    skip: (req) => (options.key ? options.key(req) === undefined : false),
    keyGenerator: (req) => keyOf(options, req) ?? '',
    handler: (req, _res, next) => {
      next(new TooManyRequestsError(secondsUntil((req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime)));
    },
  });
}

const keyOf = (options: LimitOptions, req: Request) => (options.key ? options.key(req) : clientAddressKey(req));
const secondsUntil = (resetTime: Date | undefined) => (resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 60);

/** `onlyFailures` limits: failures are counted when answered (see LimitOptions). */
function limitFailures(options: LimitOptions): RequestHandler {
  const store = new MongoRateLimitStore(options.name);
  store.init({ windowMs: options.windowMs } as Options);
  const inFlight = new Map<string, number>();
  const track = (key: string, change: number) => {
    const now = (inFlight.get(key) ?? 0) + change;
    if (now > 0) inFlight.set(key, now);
    else inFlight.delete(key);
  };
  return async (req, res, next) => {
    const key = keyOf(options, req);
    if (key === undefined) return next();
    const failures = await store.get(key);
    const counted = (failures?.totalHits ?? 0) + (options.countInFlight ? (inFlight.get(key) ?? 0) : 0);
    if (counted >= options.limit) return next(new TooManyRequestsError(secondsUntil(failures?.resetTime ?? new Date(Date.now() + options.windowMs))));
    if (options.countInFlight) track(key, 1);
    // The failure is stored before the answer leaves, so the next attempt finds it.
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let ended = false;
    res.end = ((...args: unknown[]) => {
      if (ended) return res;
      ended = true;
      if (options.countInFlight) track(key, -1);
      if (res.statusCode < 400) return end(...args);
      store.increment(key).then(
        () => end(...args),
        () => end(...args),
      );
      return res;
    }) as Response['end'];
    next();
  };
}
