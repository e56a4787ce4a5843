import { ROLES, type Role } from './model';
import type { SessionUser } from './session-user';

/**
 * Who may do what, in one place. Services call `can` (or `assertCan`) with the acting user;
 * routers only decide what to show. Targets carry what the rule needs (a country, roles).
 */
export type Action =
  | 'users.list'
  /** See one account: admins any, coordinators those in their countries. */
  | 'users.read'
  | 'users.create'
  | 'users.update'
  /** Target's `newRoles`: the roles it would have afterwards. */
  | 'users.change-roles'
  | 'users.change-scope'
  | 'users.change-status'
  | 'audit.read'
  | 'sessions.enrol-self'
  /** Start, edit and publish course versions, and read drafts (issue 4). */
  | 'courses.author'
  /** Read lessons, mark them done and take knowledge checks: any active account. */
  | 'courses.learn'
  /** Follow the programme: the dashboard, the target and its rule, attendance reports (scoped to their countries). */
  | 'programme.follow'
  /** Change the target and the rule of who counts as trained: administrators only. */
  | 'programme.configure';

export interface UserTarget {
  roles: Role[];
  country?: string | undefined;
  /** For `users.change-roles`: the roles asked for. */
  newRoles?: Role[] | undefined;
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

/**
 * The roles a person may give (and take away): every role for admins; stakeholder and
 * trainer for coordinators, so nobody can raise anyone, themselves included, to their own rank.
 */
export function grantableRoles(user: SessionUser | undefined): Role[] {
  if (hasRole(user, 'admin')) return [...ROLES];
  if (hasRole(user, 'coordinator')) return [...MANAGEABLE_BY_COORDINATORS];
  return [];
}

/**
 * The countries whose accounts a person may see, for list queries: undefined means all
 * (admins, and coordinators without limits); an empty list means none.
 */
export function visibleCountries(user: SessionUser | undefined): string[] | undefined {
  if (hasRole(user, 'admin')) return undefined;
  if (!hasRole(user, 'coordinator')) return [];
  return user!.scopeCountries.length > 0 ? [...user!.scopeCountries] : undefined;
}

/** A coordinator manages only accounts whose every role they could grant, in their countries. */
function manages(user: SessionUser, target: UserTarget | undefined): boolean {
  return (
    hasRole(user, 'coordinator') &&
    target !== undefined &&
    target.roles.every((role) => MANAGEABLE_BY_COORDINATORS.includes(role)) &&
    inScope(user, target.country)
  );
}

export function can(user: SessionUser | undefined, action: Action, target?: UserTarget): boolean {
  if (!user || user.status !== 'active') return false;
  if (hasRole(user, 'admin')) return true;
  switch (action) {
    case 'users.list':
    case 'programme.follow':
      return hasRole(user, 'coordinator');
    case 'users.read':
      return hasRole(user, 'coordinator') && target !== undefined && inScope(user, target.country);
    case 'users.create':
    case 'users.update':
    case 'users.change-status':
      return manages(user, target);
    case 'users.change-roles':
      return (
        manages(user, target) &&
        (target?.newRoles ?? []).every((role) => MANAGEABLE_BY_COORDINATORS.includes(role))
      );
    // Scopes, like the coordinator and admin roles, are the administrators' alone; so is the
    // programme's rule, which decides what the programme reports to its funder.
    case 'users.change-scope':
    case 'audit.read':
    case 'programme.configure':
      return false;
    case 'sessions.enrol-self':
      return user.emailVerified;
    // Content is written by the people who teach it and those who run the programme.
    case 'courses.author':
      return hasRole(user, 'trainer') || hasRole(user, 'coordinator');
    case 'courses.learn':
      return true;
    default:
      return false;
  }
}
