import type { Role } from '../../src/accounts/model';
import type { SessionUser } from '../../src/accounts/session-user';
import { AppError } from '../../src/http/errors';

let serial = 0;

/** A signed-in person as the services see them, for tests that call the services directly. */
export function actor(roles: Role[]): SessionUser {
  serial += 1;
  return {
    id: `00000000000000000000${String(serial).padStart(4, '0')}`,
    email: `actor-${serial}@example.org`,
    name: `Actor ${serial}`,
    roles,
    language: 'en',
    status: 'active',
    emailVerified: true,
    scopeCountries: [],
    sessionEpoch: 0,
    twoFactorEnabled: true,
  };
}

/** The status and code of what a promise is refused with; fails the test when it is not refused. */
export async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('expected a refusal');
}
