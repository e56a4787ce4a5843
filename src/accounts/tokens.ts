import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A secret for a link or an API token: 256 random bits, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Secrets are stored as SHA-256 digests: they are random and long, so a fast hash is enough,
 * and a leaked database reveals no usable link or token.
 */
export function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
