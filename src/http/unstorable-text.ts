/**
 * Refuses, before any engine sees them, characters that a database cannot keep as text: the
 * NUL character (PostgreSQL refuses it: FerretDB over PostgreSQL answered 500 to a sign-in
 * form with NUL in the email, where SQLite and MongoDB took it) and lone UTF-16 surrogates
 * (not valid UTF-8: silently replaced, so what was stored would not be what was sent).
 * Checked in every form and JSON body and every query string, keys included.
 */
import type { RequestHandler } from 'express';
import { ValidationError } from './errors';

// The NUL is the point of this pattern, not a mistake.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Deeper than any form or API body this app takes. */
const MAX_DEPTH = 8;

function holdsUnstorable(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => holdsUnstorable(item, depth + 1));
  return Object.entries(value).some(([key, item]) => UNSTORABLE.test(key) || holdsUnstorable(item, depth + 1));
}

export const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  const refused = holdsUnstorable(req.body) || holdsUnstorable(req.query);
  next(refused ? new ValidationError([{ path: '', key: 'errors:field.unstorable-text' }], 'the request holds characters that cannot be stored') : undefined);
};
