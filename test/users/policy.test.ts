import type { Role } from '../../src/accounts/model';
import { can, grantableRoles, visibleCountries } from '../../src/accounts/policy';
import type { SessionUser } from '../../src/accounts/session-user';

function person(roles: Role[], scopeCountries: string[] = [], status: SessionUser['status'] = 'active'): SessionUser {
  return { id: 'x', email: 'x@example.org', name: 'X', roles, language: 'en', status, emailVerified: true, scopeCountries, sessionEpoch: 0, twoFactorEnabled: true };
}

const admin = person(['admin']);
const coordinatorBE = person(['coordinator'], ['BE']);
const coordinatorAll = person(['coordinator']);
const trainer = person(['trainer']);
const trainerInBE = { roles: ['trainer'] as Role[], country: 'BE' };

describe('the users policy', () => {
  it('lets admins do everything, and nobody disabled do anything', () => {
    for (const action of ['users.list', 'users.create', 'users.update', 'users.change-roles', 'users.change-scope', 'users.change-status', 'audit.read'] as const) {
      expect(can(admin, action, { roles: ['admin'], newRoles: ['coordinator'] })).toBe(true);
      expect(can(person(['admin'], [], 'disabled'), action, trainerInBE)).toBe(false);
    }
  });

  it('lets coordinators manage stakeholders and trainers of their countries only', () => {
    expect(can(coordinatorBE, 'users.list')).toBe(true);
    expect(can(coordinatorBE, 'users.update', trainerInBE)).toBe(true);
    expect(can(coordinatorBE, 'users.create', { roles: ['stakeholder'], country: 'BE' })).toBe(true);
    expect(can(coordinatorBE, 'users.update', { roles: ['trainer'], country: 'NL' })).toBe(false);
    expect(can(coordinatorBE, 'users.update', { roles: ['trainer'] })).toBe(false);
    expect(can(coordinatorAll, 'users.update', { roles: ['trainer'], country: 'NL' })).toBe(true);
    expect(can(coordinatorBE, 'users.update', { roles: ['trainer', 'coordinator'], country: 'BE' })).toBe(false);
    expect(can(coordinatorBE, 'users.create', { roles: ['admin'], country: 'BE' })).toBe(false);
    expect(can(coordinatorBE, 'users.read', { roles: ['admin'], country: 'BE' })).toBe(true);
    expect(can(coordinatorBE, 'users.read', { roles: ['trainer'], country: 'SE' })).toBe(false);
  });

  it('keeps roles above trainer, scopes and the audit log for admins', () => {
    expect(can(coordinatorBE, 'users.change-roles', { ...trainerInBE, newRoles: ['stakeholder', 'trainer'] })).toBe(true);
    expect(can(coordinatorBE, 'users.change-roles', { ...trainerInBE, newRoles: ['coordinator'] })).toBe(false);
    expect(can(coordinatorAll, 'users.change-scope', trainerInBE)).toBe(false);
    expect(can(coordinatorAll, 'audit.read')).toBe(false);
    expect(grantableRoles(coordinatorBE)).toEqual(['stakeholder', 'trainer']);
    expect(grantableRoles(admin)).toEqual(['stakeholder', 'trainer', 'coordinator', 'admin']);
  });

  it('gives trainers and stakeholders no part in it', () => {
    expect(can(trainer, 'users.list')).toBe(false);
    expect(can(trainer, 'users.update', trainerInBE)).toBe(false);
    expect(grantableRoles(trainer)).toEqual([]);
    expect(visibleCountries(trainer)).toEqual([]);
    expect(visibleCountries(coordinatorBE)).toEqual(['BE']);
    expect(visibleCountries(coordinatorAll)).toBeUndefined();
    expect(visibleCountries(admin)).toBeUndefined();
  });
});
