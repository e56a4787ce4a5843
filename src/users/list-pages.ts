import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { ACCOUNT_STATUSES, ROLES } from '../accounts/model';
import { can, grantableRoles, visibleCountries } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { ForbiddenError } from '../http/errors';
import { renderPage } from '../http/render';
import { keptFormValues, type ShownFieldError, toFieldErrors } from '../http/validate';
import { countryLabels, pagerFor, type Pager } from './page-helpers';
import { type Labels, roleLabel, rolesText, scopeText, statusLabel } from './present';
import { userListQuery } from './schemas';
import { listUsers } from './service';
import type { UserView } from './view';

const PAGE_SIZE = 25;

/** The API's filters, with a page-sized default; other parameters (`lang`) are ignored. */
const listPageQuery = z.object({ ...userListQuery.shape, pageSize: userListQuery.shape.pageSize.removeDefault().default(PAGE_SIZE) });

function rowOf(actor: SessionUser, labels: Labels, user: UserView) {
  const target = { roles: user.roles, country: user.country ?? undefined };
  return {
    ...user,
    // A coordinator sees colleagues in their countries but opens only accounts they manage.
    href: can(actor, 'users.update', target) ? `/admin/users/${user.id}` : undefined,
    rolesText: rolesText(labels, user.roles),
    statusText: statusLabel(labels.t, user.status),
    countryName: user.country ? (labels.countryNames.get(user.country) ?? user.country) : '',
  };
}

interface ListState {
  values: Record<string, string | undefined>;
  errors: ShownFieldError[];
  rows: Array<ReturnType<typeof rowOf>>;
  total: number;
  pager?: Pager;
  countries: Awaited<ReturnType<typeof countryLabels>>;
}

async function renderList(req: Request, res: Response, state: ListState, status = 200) {
  const actor = req.user!;
  const { labels, options } = state.countries;
  const countries = visibleCountries(actor);
  await renderPage(
    res,
    'users/list',
    {
      title: req.t('users:list.title'),
      ...state,
      roleOptions: ROLES.map((role) => ({ value: role, label: roleLabel(req.t, role) })),
      statusOptions: ACCOUNT_STATUSES.map((value) => ({ value, label: statusLabel(req.t, value) })),
      countryOptions: countries ? options.filter((option) => countries.includes(option.value)) : options,
      scopeNote: countries ? scopeText(labels, countries) : undefined,
      canCreate: grantableRoles(actor).length > 0,
      canReadAudit: can(actor, 'audit.read'),
    },
    status,
  );
}

/** GET /admin/users: search, filter and page through the accounts the person may see. */
export function userListPages(): Router {
  const router = Router();

  router.get('/admin/users', async (req, res) => {
    const actor = req.user!;
    if (!can(actor, 'users.list')) throw new ForbiddenError();
    const values = keptFormValues(req.query, ['q', 'role', 'status', 'country']);
    const countries = await countryLabels(req);
    const parsed = listPageQuery.safeParse(req.query);
    if (!parsed.success) {
      return renderList(req, res, { values, errors: toFieldErrors(parsed.error.issues, req.t), rows: [], total: 0, countries }, 400);
    }
    const query = parsed.data;
    const page = await listUsers(actor, query);
    const filters = { q: query.q, role: query.role, status: query.status, country: query.country, pageSize: query.pageSize === PAGE_SIZE ? undefined : query.pageSize };
    await renderList(req, res, {
      values,
      errors: [],
      rows: page.items.map((user) => rowOf(actor, countries.labels, user)),
      total: page.total,
      pager: pagerFor('/admin/users', filters, page.page, page.pageSize, page.total),
      countries,
    });
  });

  return router;
}
