/**
 * `/api/v1/sessions/:id/invitations`, for a session's staff: the invitations not yet accepted
 * (what the inviters typed, and whether it is waiting, declined or expired), and withdrawing one.
 */
import { type Request, Router } from 'express';
import { requireSignedIn } from '../accounts/bearer';
import { NotFoundError } from '../http/errors';
import { pageOf, paginationQuery } from '../http/pagination';
import { parseInput } from '../http/validate';
import { managedSession } from '../sessions/access';
import { listInvitations, withdrawInvitation } from './service';

const param = (req: Request, name: string) => String(req.params[name]);

export const invitationListQuery = paginationQuery.strict();

export function invitationApi(): Router {
  const router = Router();

  router.get('/sessions/:id/invitations', requireSignedIn, async (req, res) => {
    const query = parseInput(req, invitationListQuery, req.query);
    const session = await managedSession(req.user, param(req, 'id'));
    const items = await listInvitations(session._id);
    res.json(pageOf(items.map((item) => ({ ...item, invitedAt: item.invitedAt.toISOString(), expiresAt: item.expiresAt.toISOString() })), query));
  });

  router.delete('/sessions/:id/invitations/:invitationId', requireSignedIn, async (req, res) => {
    const session = await managedSession(req.user, param(req, 'id'));
    if (!(await withdrawInvitation(session._id, param(req, 'invitationId')))) throw new NotFoundError('no such invitation');
    res.status(204).end();
  });

  return router;
}
