import type { Role } from './model';
import type { SessionUser } from './session-user';

/**
 * Who may do what, in one place. Services call `can` (or `assertCan`) with the acting user;
 * routers only decide what to show. Targets carry what the rule needs (a country, roles).
 */
export type Action =
  | 'users.list'
  | 'users.create'
  | 'users.update'
  | 'users.change-roles'
  | 'audit.read'
  | 'sessions.enrol-self';

export interface UserTarget {
  roles: Role[];
  country?: string | undefined;
}

const MANAGEABLE_BY_COORDINATORS: Role[] = ['stakeholder', 'trainer'];

export function hasRole(user: SessionUser | undefined, role: Role): boolean {
  return Boolean(user && user.status === 'active' && user.roles.includes(role));
}

/** A coordinator limited to some countries acts only there; without limits, everywhere. */
export function inScope(user: SessionUser, country: string | undefined): boolean {
  if (user.scopeCountries.length === 0) return true;
  return country !== undefined && user.scopeCountries.includes(country);
}

export function can(user: SessionUser | undefined, action: Action, target?: UserTarget): boolean {
  if (!user || user.status !== 'active') return false;
  if (hasRole(user, 'admin')) return true;
  switch (action) {
    case 'users.list':
      return hasRole(user, 'coordinator');
    case 'users.create':
    case 'users.update':
      return (
        hasRole(user, 'coordinator') &&
        target !== undefined &&
        target.roles.every((role) => MANAGEABLE_BY_COORDINATORS.includes(role)) &&
        inScope(user, target.country)
      );
    case 'users.change-roles':
    case 'audit.read':
      return false;
    case 'sessions.enrol-self':
      return user.emailVerified;
    default:
      return false;
  }
}
