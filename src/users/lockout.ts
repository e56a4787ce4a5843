import mongoose from 'mongoose';
import { type AccountStatus, type Role, User, type UserDocument } from '../accounts/model';
import type { SessionUser } from '../accounts/session-user';
import { ConflictError } from '../http/errors';

/**
 * The installation must never lose its last way in: an administrator may not disable
 * themself or drop their own admin role, and no change may leave no active administrator.
 */
export interface AccountChange {
  roles?: Role[] | undefined;
  status?: AccountStatus | undefined;
}

function isActiveAdmin(roles: Role[], status: AccountStatus): boolean {
  return status === 'active' && roles.includes('admin');
}

/** Whether the change turns an active administrator into something else. */
export function removesActiveAdmin(user: Pick<UserDocument, 'roles' | 'status'>, change: AccountChange): boolean {
  return isActiveAdmin(user.roles, user.status) && !isActiveAdmin(change.roles ?? user.roles, change.status ?? user.status);
}

export function refuseSelfLockout(actor: SessionUser, userId: string, change: AccountChange): void {
  if (actor.id !== userId) return;
  if (change.status === 'disabled') {
    throw new ConflictError('administrators cannot disable their own account', 'self-lockout', [
      { path: 'status', key: 'users:errors.self-disable' },
    ]);
  }
  if (change.roles && actor.roles.includes('admin') && !change.roles.includes('admin')) {
    throw new ConflictError('administrators cannot remove their own admin role', 'self-lockout', [
      { path: 'roles', key: 'users:errors.self-demote' },
    ]);
  }
}

export function lastAdminError(path: 'roles' | 'status'): ConflictError {
  return new ConflictError('this is the last active administrator', 'last-admin', [{ path, key: 'users:errors.last-admin' }]);
}

export function countActiveAdmins(exceptId?: mongoose.Types.ObjectId): Promise<number> {
  return User.countDocuments({
    roles: 'admin',
    status: 'active',
    ...(exceptId ? { _id: mongoose.trusted({ $ne: exceptId }) } : {}),
  });
}
