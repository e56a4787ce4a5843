import { type Request, Router } from 'express';
import { requireSignedIn } from '../accounts/bearer';
import type { AccountsContext } from '../accounts/service';
import type { AuditEventView } from '../audit/service';
import { listAuditEvents } from '../audit/service';
import { parseInput } from '../http/validate';
import { auditListQuery, staffCreationSchema, userListQuery, userUpdateSchema } from './schemas';
import { type ActingOptions, createUserByStaff, getUser, listUsers, updateUser } from './service';
import { serialiseUser } from './view';

function actingOptions(req: Request): ActingOptions {
  return { requestId: req.id === undefined ? undefined : String(req.id) };
}

function serialiseEvent(event: AuditEventView) {
  return { ...event, at: event.at.toISOString() };
}

/** `/api/v1/users` and `/api/v1/audit-events`: the same services as the pages, as JSON. */
export function usersApi(context: AccountsContext): Router {
  const router = Router();

  router.get('/users', requireSignedIn, async (req, res) => {
    const query = parseInput(req, userListQuery, req.query);
    const page = await listUsers(req.user, query);
    res.json({ ...page, items: page.items.map(serialiseUser) });
  });

  router.get('/users/:id', requireSignedIn, async (req, res) => {
    res.json(serialiseUser(await getUser(req.user, String(req.params.id))));
  });

  router.post('/users', requireSignedIn, async (req, res) => {
    const input = parseInput(req, staffCreationSchema, req.body ?? {});
    const { user, invitationSent } = await createUserByStaff(context, req.user, input, actingOptions(req));
    res.status(201).json({ id: user.id, email: user.email, roles: user.roles, ...(invitationSent === undefined ? {} : { invitationSent }) });
  });

  router.patch('/users/:id', requireSignedIn, async (req, res) => {
    const update = parseInput(req, userUpdateSchema, req.body ?? {});
    res.json(serialiseUser(await updateUser(req.user, String(req.params.id), update, actingOptions(req))));
  });

  router.get('/audit-events', requireSignedIn, async (req, res) => {
    const query = parseInput(req, auditListQuery, req.query);
    const page = await listAuditEvents(req.user, query);
    res.json({ ...page, items: page.items.map(serialiseEvent) });
  });

  return router;
}
