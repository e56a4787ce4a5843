import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../http/session';
import { type Action, can } from './policy';
import type { SessionUser } from './session-user';

/** What views know of the signed-in person: who they are and what the navigation may offer. */
export function showSignedIn(res: Response, user: SessionUser): void {
  res.locals.currentUser = user;
  res.locals.can = (action: Action) => can(user, action);
}

/**
 * Starts a signed-in session. passport's `req.login` regenerates the session id first, so an
 * id planted before sign-in (session fixation) is worthless afterwards.
 */
export async function startSession(req: Request, res: Response, user: SessionUser): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    req.login(user, (error) => {
      if (error) return reject(error);
      req.session.signedInAt = Date.now();
      req.session.epoch = user.sessionEpoch;
      showSignedIn(res, user);
      resolve();
    });
  });
  await saveSession(req);
}

/**
 * Stores the session now. express-session saves it at the end of the response but sends the
 * headers first, and a browser follows a 303 on the headers alone: its next request could
 * otherwise still find the old session (not yet signed in).
 */
export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}

export function endSession(req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    req.logout((error) => {
      if (error) return reject(error);
      if (!req.session) return resolve();
      req.session.destroy((destroyError) => {
        if (destroyError) return reject(destroyError);
        res.clearCookie(SESSION_COOKIE);
        resolve();
      });
    });
  });
}

/** Only a local path may follow sign-in: never another site (open redirect). */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return undefined;
  return value;
}
