import argon2 from 'argon2';

/** argon2id with the library's defaults (OWASP's recommended parameters or stronger). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** False for a wrong password, and for a stored hash argon2 cannot read: never throws. */
export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}
