import type { Role, UserDocument } from '../accounts/model';
import { User } from '../accounts/model';
import { can, type UserTarget } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { ForbiddenError, NotFoundError } from '../http/errors';

/** Where a change came from, for the audit log. */
export interface ActingOptions {
  requestId?: string | undefined;
}

const OBJECT_ID = /^[a-f\d]{24}$/i;

/** What the policy needs to know of an account (and, for a change of roles, the new roles). */
export function targetOf(user: Pick<UserDocument, 'roles' | 'country'>, newRoles?: Role[]): UserTarget {
  return { roles: user.roles, country: user.country, newRoles };
}

/** The acting person, when they may manage accounts at all. */
export function requireStaff(actor: SessionUser | undefined): SessionUser {
  if (!actor || !can(actor, 'users.list')) throw new ForbiddenError('managing users is for coordinators and administrators');
  return actor;
}

/**
 * An account the actor may see (404 otherwise, as for an unknown id: a coordinator learns
 * nothing of other countries) and manage (403 otherwise).
 */
export async function findManaged(actor: SessionUser, id: string): Promise<UserDocument> {
  const user = OBJECT_ID.test(id) ? await User.findById(id).lean() : null;
  if (!user || !can(actor, 'users.read', targetOf(user))) throw new NotFoundError();
  if (!can(actor, 'users.update', targetOf(user))) throw new ForbiddenError('this account is not one the actor manages');
  return user;
}
