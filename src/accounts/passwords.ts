import argon2 from 'argon2';

/**
 * argon2id at the library's default cost (OWASP's recommended parameters or stronger), written
 * out so that an upgrade of the library cannot move them away from TIMING_DUMMY_HASH's.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 } as const;

/**
 * A hash with HASH_OPTIONS of a random password that was thrown away. Checking a password
 * against it costs what checking it against an account's hash costs, so an unknown email is
 * answered as slowly as a wrong password. A constant: made on first use instead, it added a
 * whole hashing to the requests for unknown emails that waited for it.
 */
export const TIMING_DUMMY_HASH = '$argon2id$v=19$m=65536,p=4,t=3$Nq57w3A6waw4EVak23UZlQ$AlQ69aDC/fLO4Vgr/MxZ3VYN2G6YMWIz4lpWEDkl43Q';

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

/** False for a wrong password, and for a stored hash argon2 cannot read: never throws. */
export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

/** Takes the time of a password check where there is no account to check against. */
export async function verifyWithoutAccount(password: string): Promise<void> {
  await verifyPassword(TIMING_DUMMY_HASH, password);
}
