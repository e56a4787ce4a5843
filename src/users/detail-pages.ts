import { type Request, type Response, Router } from 'express';
import { can } from '../accounts/policy';
import type { AccountsContext } from '../accounts/service';
import { listAuditEvents } from '../audit/service';
import type { AppError } from '../http/errors';
import { renderPage } from '../http/render';
import { formErrorsFrom, type ShownFieldError, toFieldErrors } from '../http/validate';
import { countryLabels, listOf, requestIdOf } from './page-helpers';
import { eventRow, roleLabel, rolesText, scopeText, statusLabel } from './present';
import { type UserUpdate, userUpdateSchema } from './schemas';
import { controlsFor, getUser, resendInvitation, updateUser } from './service';

const RECENT_EVENTS = 10;

/** The confirmations `?done=` may ask for; anything else shows nothing. */
const DONE_MESSAGES: Record<string, { key: string; failed?: boolean }> = {
  created: { key: 'users:done.created' },
  invited: { key: 'users:done.invited' },
  'invitation-failed': { key: 'users:done.invitation-failed', failed: true },
  'invitation-resent': { key: 'users:done.invitation-resent' },
  'invitation-resend-failed': { key: 'users:done.invitation-resend-failed', failed: true },
  roles: { key: 'users:done.roles' },
  scope: { key: 'users:done.scope' },
  disabled: { key: 'users:done.disabled' },
  enabled: { key: 'users:done.enabled' },
};

interface DetailState {
  errors: ShownFieldError[];
  /** What the person ticked, shown again after an error. */
  values?: { roles?: string[]; scopeCountries?: string[] };
}

async function renderDetail(req: Request, res: Response, id: string, state: DetailState, status = 200) {
  const actor = req.user!;
  const user = await getUser(actor, id);
  const { labels, options } = await countryLabels(req);
  const events = can(actor, 'audit.read')
    ? (await listAuditEvents(actor, { targetId: user.id, page: 1, pageSize: RECENT_EVENTS })).items.map((event) => eventRow(labels, event))
    : undefined;
  const done = status === 200 && typeof req.query.done === 'string' ? DONE_MESSAGES[req.query.done] : undefined;
  const controls = controlsFor(actor, user);
  await renderPage(
    res,
    'users/detail',
    {
      title: user.name,
      user,
      controls,
      details: {
        roles: rolesText(labels, user.roles),
        status: statusLabel(req.t, user.status),
        country: user.country ? (labels.countryNames.get(user.country) ?? user.country) : undefined,
        scope: scopeText(labels, user.scopeCountries),
      },
      roleOptions: controls.roles.map((role) => ({ value: role, label: roleLabel(req.t, role) })),
      countryOptions: options,
      values: { roles: state.values?.roles ?? user.roles, scopeCountries: state.values?.scopeCountries ?? user.scopeCountries },
      errors: state.errors,
      done: done ? { message: req.t(done.key, { email: user.email }), failed: Boolean(done.failed) } : undefined,
      events,
    },
    status,
  );
}

/**
 * Applies one form's change. Bad input or a refused change (self-lockout, last admin) shows
 * the page again with the message and what was ticked; success redirects with a confirmation.
 */
async function applyChange(req: Request, res: Response, input: Record<string, unknown>, done: (update: UserUpdate) => string) {
  const id = String(req.params.id);
  const kept = { roles: listOf(input.roles), scopeCountries: listOf(input.scopeCountries) };
  const values = { ...(input.roles ? { roles: kept.roles } : {}), ...(input.scopeCountries ? { scopeCountries: kept.scopeCountries } : {}) };
  const parsed = userUpdateSchema.safeParse(input);
  if (!parsed.success) return renderDetail(req, res, id, { errors: toFieldErrors(parsed.error.issues, req.t), values }, 400);
  try {
    await updateUser(req.user, id, parsed.data, { requestId: requestIdOf(req) });
  } catch (error) {
    const errors = formErrorsFrom(error, req.t);
    if (!errors) throw error;
    return renderDetail(req, res, id, { errors, values }, (error as AppError).status);
  }
  res.redirect(303, `/admin/users/${encodeURIComponent(id)}?done=${done(parsed.data)}`);
}

function bodyOf(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

/** /admin/users/:id: one account, the controls the person may use, and its recent history. */
export function userDetailPages(context: AccountsContext): Router {
  const router = Router();

  router.get('/admin/users/:id', async (req, res) => {
    await renderDetail(req, res, String(req.params.id), { errors: [] });
  });

  // Ticking no box sends no field at all: that is an empty list, which the service refuses.
  router.post('/admin/users/:id/roles', async (req, res) => {
    const roles = listOf(bodyOf(req).roles);
    await applyChange(req, res, { roles }, () => 'roles');
  });

  router.post('/admin/users/:id/scope', async (req, res) => {
    await applyChange(req, res, { scopeCountries: listOf(bodyOf(req).scopeCountries) }, () => 'scope');
  });

  router.post('/admin/users/:id/status', async (req, res) => {
    const status = bodyOf(req).status;
    await applyChange(req, res, { status: typeof status === 'string' ? status : '' }, (update) =>
      update.status === 'disabled' ? 'disabled' : 'enabled',
    );
  });

  router.post('/admin/users/:id/invitation', async (req, res) => {
    const id = String(req.params.id);
    const sent = await resendInvitation(context, req.user, id, { requestId: requestIdOf(req) });
    res.redirect(303, `/admin/users/${encodeURIComponent(id)}?done=${sent ? 'invitation-resent' : 'invitation-resend-failed'}`);
  });

  return router;
}

