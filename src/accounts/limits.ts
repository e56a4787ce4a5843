import type { Request, RequestHandler } from 'express';
import { FIFTEEN_MINUTES, limitRequests } from '../http/rate-limit';

const ONE_HOUR = 60 * 60 * 1000;
const SIGN_IN_FAILURES = 10;

function emailInBody(req: Request): string | undefined {
  const email = (req.body as Record<string, unknown> | undefined)?.email;
  return typeof email === 'string' && email.trim() ? email.trim().toLowerCase() : undefined;
}

/**
 * Failed sign-ins: 10 per client address and 10 per account in 15 minutes. The web form and
 * `POST /api/v1/auth/tokens` share these counters, so the API is no way around them. Only
 * failures count per address (a room of people signing in behind one address at 9:00 is not
 * an attack); per account, guesses sent at once count while they run.
 */
export function signInLimits(): RequestHandler[] {
  return [
    limitRequests({ name: 'sign-in-ip', limit: SIGN_IN_FAILURES, windowMs: FIFTEEN_MINUTES, onlyFailures: true }),
    limitRequests({
      name: 'sign-in-account',
      limit: SIGN_IN_FAILURES,
      windowMs: FIFTEEN_MINUTES,
      onlyFailures: true,
      countInFlight: true,
      key: emailInBody,
    }),
  ];
}

/** Registrations per client address, on the form and the API alike. */
export function registrationLimit(): RequestHandler {
  return limitRequests({ name: 'register-ip', limit: 10, windowMs: ONE_HOUR });
}

export function passwordResetLimit(): RequestHandler {
  return limitRequests({ name: 'reset-ip', limit: 5, windowMs: FIFTEEN_MINUTES });
}

export function verificationResendLimit(): RequestHandler {
  return limitRequests({ name: 'verify-resend-ip', limit: 5, windowMs: FIFTEEN_MINUTES });
}
