/**
 * `/api/v1/sessions/:id/enrolments` (docs/api.md, "Enrolment"): enrol oneself or, for a
 * session's staff, add someone by account id or email (201 enrolled, or 202 invited: see
 * invitations/add.ts); cancel (`me` for oneself); list.
 */
import { type Request, Router } from 'express';
import { z } from 'zod';
import { requireSignedIn } from '../accounts/bearer';
import type { AccountsContext } from '../accounts/service';
import { addPerson } from '../invitations/add';
import { pageOf, paginationQuery } from '../http/pagination';
import { parseInput } from '../http/validate';
import { cancelEnrolment, enrol, listEnrolments } from './service';

const OBJECT_ID = /^[a-f0-9]{24}$/i;

/** `{}` enrols the caller; `{userId}` or `{email}` someone else (one of the two, not both). */
export const enrolmentInputSchema = z
  .strictObject({
    userId: z.string().regex(OBJECT_ID).optional(),
    email: z.email().max(254).optional(),
  })
  .refine((input) => input.userId === undefined || input.email === undefined, { message: 'give userId or email, not both', path: ['email'] });

export const enrolmentListQuery = paginationQuery.strict();


const param = (req: Request, name: string) => String(req.params[name]);

export function enrolmentApi(accounts: AccountsContext): Router {
  const router = Router();

  router.post('/sessions/:id/enrolments', requireSignedIn, async (req, res) => {
    const input = parseInput(req, enrolmentInputSchema, req.body ?? {});
    const target = input.userId !== undefined ? { userId: input.userId } : input.email !== undefined ? { email: input.email } : undefined;
    const outcome = target ? await addPerson(accounts, req.user!, param(req, 'id'), target) : { kind: 'enrolled' as const, ...(await enrol(req.user!, param(req, 'id'))) };
    if (outcome.kind === 'invited') {
      res.status(202).json({ status: 'invited', invitationId: outcome.invitationId, expiresAt: outcome.expiresAt.toISOString() });
      return;
    }
    res.status(201).json({ userId: String(outcome.enrolment.user), status: outcome.status, ...(outcome.position !== undefined ? { position: outcome.position } : {}) });
  });

  router.delete('/sessions/:id/enrolments/:userId', requireSignedIn, async (req, res) => {
    await cancelEnrolment(req.user!, param(req, 'id'), param(req, 'userId'));
    res.status(204).end();
  });

  router.get('/sessions/:id/enrolments', requireSignedIn, async (req, res) => {
    const query = parseInput(req, enrolmentListQuery, req.query);
    const items = await listEnrolments(req.user!, param(req, 'id'));
    res.json(pageOf(items, query));
  });

  return router;
}
