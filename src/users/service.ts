import mongoose from 'mongoose';
import type { Role, UserDocument } from '../accounts/model';
import { User } from '../accounts/model';
import { can, grantableRoles, visibleCountries } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import type { AuditAction } from '../audit/model';
import { actorOf, recordAudit } from '../audit/service';
import { ConflictError, type FieldError, ForbiddenError, ValidationError } from '../http/errors';
import type { Page, Pagination } from '../http/pagination';
import { countryExists } from '../reference/service';
import { type ActingOptions, findManaged, requireStaff, targetOf } from './access';
import { countActiveAdmins, lastAdminError, refuseSelfLockout, removesActiveAdmin } from './lockout';
import type { UserUpdate } from './schemas';
import { toUserView, type UserView } from './view';

/** Account creation by staff lives in creation.ts; the users service is one entry point. */
export { createUserByStaff, resendInvitation, type StaffCreationResult } from './creation';
export type { ActingOptions } from './access';

export interface UserListFilter extends Pagination {
  q?: string | undefined;
  role?: Role | undefined;
  status?: UserDocument['status'] | undefined;
  country?: string | undefined;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sameSet<Item>(a: Item[], b: Item[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

/** Users the actor may see, newest first, filtered and paged in the database. */
export async function listUsers(actor: SessionUser | undefined, filter: UserListFilter): Promise<Page<UserView>> {
  const acting = requireStaff(actor);
  // Every operator below is built here from checked values: hence `trusted` (sanitizeFilter is on).
  const conditions: Array<Record<string, unknown>> = [];
  if (filter.q) {
    const contains = () => mongoose.trusted({ $regex: escapeRegex(filter.q!), $options: 'i' });
    conditions.push({ $or: [{ name: contains() }, { email: contains() }] });
  }
  if (filter.role) conditions.push({ roles: filter.role });
  if (filter.status) conditions.push({ status: filter.status });
  if (filter.country) conditions.push({ country: filter.country });
  const countries = visibleCountries(acting);
  if (countries) conditions.push({ country: mongoose.trusted({ $in: countries }) });
  const query = conditions.length > 0 ? { $and: conditions } : {};
  const [users, total] = await Promise.all([
    User.find(query)
      .sort({ createdAt: -1, _id: -1 })
      .skip((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize)
      .lean(),
    User.countDocuments(query),
  ]);
  return { items: users.map(toUserView), total, page: filter.page, pageSize: filter.pageSize };
}

export async function getUser(actor: SessionUser | undefined, id: string): Promise<UserView> {
  return toUserView(await findManaged(requireStaff(actor), id));
}

/** What the actor may change on this account: the pages show only these controls. */
export interface UserControls {
  /** The role checkboxes to offer; empty when roles cannot be changed. */
  roles: Role[];
  scope: boolean;
  status: boolean;
  /** The actor's own account: disabling it is refused, so no button is shown. */
  self: boolean;
}

export function controlsFor(actor: SessionUser, user: UserView): UserControls {
  const target = targetOf({ roles: user.roles, country: user.country ?? undefined });
  return {
    roles: can(actor, 'users.change-roles', target) ? grantableRoles(actor) : [],
    scope: can(actor, 'users.change-scope', target),
    status: can(actor, 'users.change-status', target) && actor.id !== user.id,
    self: actor.id === user.id,
  };
}

/** Only what really changes; the rest of the request is a no-op, not an event. */
function changesTo(user: UserDocument, update: UserUpdate) {
  return {
    roles: update.roles && !sameSet(update.roles, user.roles) ? update.roles : undefined,
    scopeCountries:
      update.scopeCountries && !sameSet(update.scopeCountries, user.scopeCountries ?? []) ? update.scopeCountries : undefined,
    status: update.status && update.status !== user.status ? update.status : undefined,
  };
}

type Changes = ReturnType<typeof changesTo>;

function authoriseChanges(actor: SessionUser, user: UserDocument, changes: Changes): void {
  const allowed =
    (!changes.roles || can(actor, 'users.change-roles', targetOf(user, changes.roles))) &&
    (!changes.scopeCountries || can(actor, 'users.change-scope', targetOf(user))) &&
    (!changes.status || can(actor, 'users.change-status', targetOf(user)));
  if (!allowed) throw new ForbiddenError('the actor may not make this change');
}

async function validateChanges(changes: Changes): Promise<void> {
  const errors: FieldError[] = [];
  if (changes.roles && changes.roles.length === 0) errors.push({ path: 'roles', key: 'users:errors.roles-required' });
  for (const code of changes.scopeCountries ?? []) {
    if (!(await countryExists(code))) {
      errors.push({ path: 'scopeCountries', key: 'errors:field.invalid-choice' });
      break;
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

/**
 * Changes roles, country scope and status. Disabling ends every session and API token of the
 * account at once (a new `sessionEpoch`); enabling it again brings none of them back, since
 * they belong to the old epoch.
 */
export async function updateUser(
  actor: SessionUser | undefined,
  id: string,
  update: UserUpdate,
  options: ActingOptions = {},
): Promise<UserView> {
  const acting = requireStaff(actor);
  const user = await findManaged(acting, id);
  const changes = changesTo(user, update);
  authoriseChanges(acting, user, changes);
  await validateChanges(changes);
  if (!changes.roles && !changes.scopeCountries && !changes.status) return toUserView(user);

  refuseSelfLockout(acting, id, changes);
  const demotesAdmin = removesActiveAdmin(user, changes);
  const lockoutPath = changes.status ? 'status' : 'roles';
  if (demotesAdmin && (await countActiveAdmins(user._id)) === 0) throw lastAdminError(lockoutPath);

  const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  // The guard on updatedAt makes this a compare-and-set: a change made meanwhile is not overwritten.
  const updated = await User.findOneAndUpdate(
    { _id: user._id, updatedAt: user.updatedAt },
    { $set: set, ...(changes.status === 'disabled' ? { $inc: { sessionEpoch: 1 } } : {}) },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) {
    throw new ConflictError('the account changed meanwhile', 'changed-meanwhile', [
      { path: lockoutPath, key: 'users:errors.changed-meanwhile' },
    ]);
  }
  // Two administrators demoting each other at once both pass the check above; the one who
  // finds no administrator left afterwards puts the account back.
  if (demotesAdmin && (await countActiveAdmins()) === 0) {
    await User.updateOne(
      { _id: user._id, updatedAt: updated.updatedAt },
      { $set: { roles: user.roles, status: user.status, scopeCountries: user.scopeCountries ?? [] } },
    );
    throw lastAdminError(lockoutPath);
  }
  await auditChanges(acting, user, changes, options);
  return toUserView(updated);
}

async function auditChanges(actor: SessionUser, user: UserDocument, changes: Changes, options: ActingOptions) {
  const events: Array<{ action: AuditAction; field: 'roles' | 'scopeCountries' | 'status'; before: unknown; after: unknown }> = [];
  if (changes.roles) events.push({ action: 'user.roles-changed', field: 'roles', before: user.roles, after: changes.roles });
  if (changes.scopeCountries) {
    events.push({ action: 'user.scope-changed', field: 'scopeCountries', before: user.scopeCountries ?? [], after: changes.scopeCountries });
  }
  if (changes.status) {
    const action = changes.status === 'disabled' ? 'user.disabled' : 'user.enabled';
    events.push({ action, field: 'status', before: user.status, after: changes.status });
  }
  for (const event of events) {
    await recordAudit({
      actor: actorOf(actor),
      action: event.action,
      target: { type: 'user', id: String(user._id), label: user.email },
      before: { [event.field]: event.before },
      after: { [event.field]: event.after },
      requestId: options.requestId,
    });
  }
}

