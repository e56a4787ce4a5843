import type { Request } from 'express';
import { saveSession } from '../accounts/sign-in-session';

declare module 'express-session' {
  interface SessionData {
    /** A token just created, waiting to be shown once on the next profile page. */
    newApiToken?: { name: string; token: string };
  }
}

/**
 * The token form redirects after success like every form (no second token on reload), so the
 * secret crosses the redirect in the session. It stays there only until the next profile page
 * shows it, which removes it.
 */
export async function keepNewToken(req: Request, token: { name: string; token: string }): Promise<void> {
  req.session.newApiToken = token;
  await saveSession(req);
}

export function takeNewToken(req: Request): { name: string; token: string } | undefined {
  const token = req.session?.newApiToken;
  if (token) delete req.session.newApiToken;
  return token;
}
