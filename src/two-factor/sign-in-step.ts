import type { Request, RequestHandler } from 'express';
import { limitRequests, FIFTEEN_MINUTES } from '../http/rate-limit';
import { saveSession } from '../accounts/sign-in-session';
import type { SessionUser } from '../accounts/session-user';

declare module 'express-session' {
  interface SessionData {
    /** Password checked, code from the app still to come (the second step of sign-in). */
    pendingSignIn?: { userId: string; returnTo?: string | undefined; since: number };
  }
}

/** The time allowed between the password and the code: long enough to open the app. */
export const SECOND_STEP_MS = 5 * 60 * 1000;

/**
 * Remembers that the password was right. Nobody is signed in yet: the session holds only the
 * account id until the code arrives, and `startSession` then issues a fresh session id.
 */
export async function awaitSecondFactor(req: Request, user: SessionUser, returnTo: string | undefined): Promise<void> {
  req.session.pendingSignIn = { userId: user.id, returnTo, since: Date.now() };
  await saveSession(req);
}

export function pendingSignIn(req: Request): { userId: string; returnTo?: string | undefined } | undefined {
  const pending = req.session?.pendingSignIn;
  if (!pending || Date.now() - pending.since > SECOND_STEP_MS) return undefined;
  return pending;
}

export function clearPendingSignIn(req: Request): void {
  if (req.session) delete req.session.pendingSignIn;
}

/**
 * Wrong codes count like wrong passwords: per client address (the same counter as the password
 * step) and per account, 10 in 15 minutes, so six digits cannot be guessed.
 */
export function secondStepLimits(): RequestHandler[] {
  return [
    limitRequests({ name: 'sign-in-ip', limit: 10, windowMs: FIFTEEN_MINUTES, onlyFailures: true }),
    limitRequests({
      name: 'two-factor-account',
      limit: 10,
      windowMs: FIFTEEN_MINUTES,
      onlyFailures: true,
      countInFlight: true,
      key: (req) => pendingSignIn(req)?.userId ?? req.user?.id,
    }),
  ];
}
