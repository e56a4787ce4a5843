import type { RequestHandler } from 'express';
import { UnauthorizedError } from '../http/errors';
import { findTokenOwner } from './api-token';
import { findSessionUser } from './service';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The API token the request was made with, when it was. */
      apiTokenId?: string;
    }
  }
}

/**
 * `Authorization: Bearer <token>` on the API. The token acts with its owner's roles as they
 * are now: a disabled account's tokens stop working at once. A token works only in the
 * `sessionEpoch` it was made in, so whatever ends every session (a new password or email
 * address, disabling) ends it too, for good. No header: anonymous.
 */
export const bearerAuthentication: RequestHandler = async (req, _res, next) => {
  const header = req.get('authorization');
  if (!header) return next();
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const owner = match ? await findTokenOwner(match[1]!) : undefined;
  const user = owner ? await findSessionUser(owner.userId) : undefined;
  if (!owner || !user || user.status !== 'active' || owner.epoch !== user.sessionEpoch) {
    return next(new UnauthorizedError('invalid or expired token', 'invalid-token'));
  }
  req.user = user;
  req.apiTokenId = owner.tokenId;
  next();
};

export const requireSignedIn: RequestHandler = (req, _res, next) => {
  next(req.user ? undefined : new UnauthorizedError());
};
