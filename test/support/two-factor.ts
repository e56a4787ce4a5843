import { createHmac } from 'node:crypto';
import { User } from '../../src/accounts/model';
import { base32Decode, deriveKey, encryptSecret, generateTotpSecret } from '../../src/two-factor/codes';
import { TEST_SESSION_SECRET } from './app';

const STEP_MS = 30_000;

/** The code an authenticator app shows at `at` (ms): RFC 6238 written out, without otplib. */
export function codeAt(secret: string, at: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / STEP_MS)));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Six digits that are not the code of any step the server would accept now. */
export function wrongCodeFor(secret: string): string {
  const near = [-1, 0, 1].map((steps) => codeAt(secret, Date.now() + steps * STEP_MS));
  let candidate = 123456;
  while (near.includes(String(candidate))) candidate += 1;
  return String(candidate);
}

/**
 * A phone with an authenticator app. Each code is accepted once, so `nextCode` hands out the
 * codes of the current and then the next 30-second step (both within the server's window even
 * if the clock ticks over meanwhile): two uses per app without waiting for the clock.
 */
export class AuthenticatorApp {
  private offset = 0;
  constructor(readonly secret: string) {}

  nextCode(): string {
    if (this.offset > 1) throw new Error('more than two codes from one app: the server would refuse a third this soon');
    const code = codeAt(this.secret, Date.now() + this.offset * STEP_MS);
    this.offset += 1;
    return code;
  }
}

/** Turns two-factor on for an account directly in the database (for tests about other things). */
export async function giveTwoFactor(userId: string): Promise<AuthenticatorApp> {
  const secret = generateTotpSecret();
  await User.updateOne(
    { _id: userId },
    { $set: { twoFactor: { secret: encryptSecret(secret, deriveKey(TEST_SESSION_SECRET), userId), enabledAt: new Date(), recoveryCodeHashes: [] } } },
  );
  return new AuthenticatorApp(secret);
}
