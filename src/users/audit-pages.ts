import { Router } from 'express';
import { z } from 'zod';
import { can } from '../accounts/policy';
import { AUDIT_ACTIONS } from '../audit/model';
import { listAuditEvents } from '../audit/service';
import { ForbiddenError } from '../http/errors';
import { renderPage } from '../http/render';
import { parseInput } from '../http/validate';
import { countryLabels, pagerFor } from './page-helpers';
import { eventRow } from './present';
import { auditListQuery } from './schemas';

const PAGE_SIZE = 50;

/** The API's filters with a page-sized default; other parameters are ignored. */
const auditPageQuery = z.object({ ...auditListQuery.shape, pageSize: auditListQuery.shape.pageSize.removeDefault().default(PAGE_SIZE) });

/** /admin/audit: the audit log, newest first, for administrators. */
export function auditPages(): Router {
  const router = Router();

  router.get('/admin/audit', async (req, res) => {
    if (!can(req.user, 'audit.read')) throw new ForbiddenError();
    const query = parseInput(req, auditPageQuery, req.query);
    const page = await listAuditEvents(req.user, query);
    const { labels } = await countryLabels(req);
    const filters = { action: query.action, targetId: query.targetId, actorId: query.actorId };
    await renderPage(res, 'users/audit', {
      title: req.t('users:audit.title'),
      rows: page.items.map((event) => eventRow(labels, event)),
      total: page.total,
      action: query.action ?? '',
      targetId: query.targetId,
      actorId: query.actorId,
      actionOptions: AUDIT_ACTIONS.map((action) => ({ value: action, label: req.t(`users:audit.actions.${action}`) })),
      pager: pagerFor('/admin/audit', filters, page.page, page.pageSize, page.total),
    });
  });

  return router;
}
