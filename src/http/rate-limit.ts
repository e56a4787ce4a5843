import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { TooManyRequestsError } from './errors';
import { MongoRateLimitStore } from './rate-limit-store';

export interface LimitOptions {
  /** Names the counter family in the database, e.g. `sign-in-ip`. */
  name: string;
  limit: number;
  windowMs: number;
  /** What is counted: the client address by default; an account's email for per-account limits. */
  key?: (req: Request) => string | undefined;
  /** Count only failed attempts (status ≥ 400), as for sign-in. */
  onlyFailures?: boolean;
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
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new MongoRateLimitStore(options.name),
    skipSuccessfulRequests: options.onlyFailures ?? false,
    // A request without the key (no email typed) is not counted under a per-account limit.
    skip: (req) => (options.key ? options.key(req) === undefined : false),
    keyGenerator: (req) => (options.key ? (options.key(req) ?? '') : clientAddressKey(req)),
    handler: (req, _res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 60;
      next(new TooManyRequestsError(seconds));
    },
  });
}
