import { Router } from 'express';
import type { AccountsContext } from '../accounts/service';
import { auditPages } from './audit-pages';
import { userCreationPages } from './creation-pages';
import { userDetailPages } from './detail-pages';
import { invitationPages } from './invitation-pages';
import { userListPages } from './list-pages';
import { signedInOnly } from './page-helpers';

/**
 * The administration of accounts (/admin/users, /admin/audit) and the invitation page.
 * Who may see what is decided by the services (policy.ts); a refusal is the 403 page.
 */
export function userPages(context: AccountsContext): Router {
  const router = Router();
  router.use(invitationPages());
  router.use(['/admin/users', '/admin/audit'], signedInOnly);
  router.use(userListPages());
  // Before /admin/users/:id, which would otherwise take "new" for an id.
  router.use(userCreationPages(context));
  router.use(userDetailPages(context));
  router.use(auditPages());
  return router;
}
