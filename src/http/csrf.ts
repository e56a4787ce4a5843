import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { CsrfError } from './errors';

/**
 * Synchroniser tokens (csrf-sync) for every state-changing page request. The token lives in
 * the session and is put in forms as `_csrf`; scripts may send it as `X-CSRF-Token`.
 * The JSON API uses bearer tokens and no cookies, so it needs none.
 */
const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req: Request) => {
    const fromForm = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof fromForm === 'string') return fromForm;
    // A multipart body (a file upload) is read only by its route, after this check: such a
    // form carries its token in the action URL instead. Never for any other kind of request.
    const fromQuery = req.query._csrf;
    if (typeof fromQuery === 'string' && req.is('multipart/form-data')) return fromQuery;
    return req.get('x-csrf-token');
  },
});

export const csrfProtection: RequestHandler = (req, res, next) => {
  // Only forms that need one create a session: the token is made when a view asks for it.
  res.locals.csrfToken = () => (req.session ? generateToken(req) : '');
  csrfSynchronisedProtection(req, res, (error?: unknown) => {
    if (error) return next(new CsrfError());
    next();
  });
};
