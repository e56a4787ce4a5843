/**
 * Two-factor authentication building blocks (OWASP ASVS 5.0 V6.5, V6.6, V11, V13): TOTP codes
 * from an authenticator app, the QR code that enrols the app, single-use recovery codes, and
 * encryption at rest of the TOTP secret. No storage and no HTTP here: the caller keeps, per
 * account, the encrypted secret, the last accepted time step and the recovery-code hashes.
 *
 * TOTP uses otplib 13 with the settings every authenticator app supports: SHA-1, 6 digits,
 * 30-second steps (RFC 6238). Not through the `otplib` package itself: its default plugins
 * (@scure/base, @noble/hashes) are ES modules only, which Node 20.19+ can require() but Jest's
 * CommonJS runtime cannot (it needs Node 24.9+), so every test that loads the app would fail.
 * So this module uses otplib's own CommonJS parts instead: @otplib/totp (generate, verify),
 * @otplib/uri (otpauth:// URI), @otplib/core (secret generation) with @otplib/plugin-crypto-node
 * (HMAC and random bytes from node:crypto) and the RFC 4648 base32 codec below (hand-written:
 * the rfc4648 package's typings are ESM-only under this CommonJS build).
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { createBase32Plugin, generateSecret } from '@otplib/core';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { verifySync } from '@otplib/totp';
import { generateTOTP } from '@otplib/uri';
import QRCode from 'qrcode';

export const TOTP_ISSUER = 'LIAISE Learning';
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of the previous and the next step are accepted too (clock drift, slow typing). */
export const TOTP_WINDOW_STEPS = 1;
const TOTP_SECRET_BYTES = 20;

// ---- Base32 (RFC 4648), the encoding of TOTP secrets in authenticator apps ---------------------

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case, without "=" padding (as in otpauth:// URIs). */
export function base32Encode(data: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 in either case, with or without "=" padding; throws on any other character. */
export function base32Decode(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/=+$/, '');
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32_ALPHABET.indexOf(char);
    if (value === -1) throw new Error('invalid base32 character');
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >>> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

const otpPlugins = {
  crypto: new NodeCryptoPlugin(),
  base32: createBase32Plugin({ name: 'liaise-rfc4648', encode: base32Encode, decode: base32Decode }),
};

// ---- TOTP --------------------------------------------------------------------------------------

/** A new TOTP secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32 encoded. */
export function generateTotpSecret(): string {
  return generateSecret({ ...otpPlugins, length: TOTP_SECRET_BYTES });
}

/** The otpauth:// URI that authenticator apps read from the QR code. */
export function totpUri({ secret, accountName, issuer = TOTP_ISSUER }: { secret: string; accountName: string; issuer?: string }): string {
  return generateTOTP({ issuer, label: accountName, secret, algorithm: 'sha1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS });
}

/** The RFC 6238 time step (30-second counter) of a moment, in milliseconds since the epoch. */
export function totpTimeStep(now: number = Date.now()): number {
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * What a person typed, as the 6 digits to check, or null when it cannot be a code. Spaces and
 * other white space are removed anywhere, since apps show codes as "123 456" and people copy
 * them so; what remains must be exactly 6 ASCII digits ("12345", "1234567", "abcdef",
 * "123-456" and full-width digits are refused).
 */
export function normaliseTotpInput(input: string): string | null {
  const code = input.replace(/\s+/g, '');
  return /^[0-9]{6}$/.test(code) ? code : null;
}

export interface TotpCheckOptions {
  /** The moment to check against, in milliseconds (default: now). */
  now?: number;
  /**
   * Replay protection: the time step of the last code this account used (as returned by
   * matchTotpStep). Codes of that step and earlier are refused, so a code works only once.
   */
  afterTimeStep?: number;
}

/**
 * The time step whose code the token is, within ±1 step of now, or null when it matches none (or
 * is malformed, or is of a step at or before afterTimeStep). Store the step returned and pass it
 * as afterTimeStep next time: storing totpTimeStep(now) instead would let a code of the next step
 * (a phone clock a little ahead) be used twice. Codes are compared in constant time by otplib.
 * Throws when the secret is not base32 of at least 16 bytes: a stored secret is damaged.
 */
export function matchTotpStep(secret: string, token: string, options: TotpCheckOptions = {}): number | null {
  const code = normaliseTotpInput(token);
  if (code === null) return null;
  const now = options.now ?? Date.now();
  const { afterTimeStep } = options;
  if (afterTimeStep !== undefined) {
    if (!Number.isSafeInteger(afterTimeStep) || afterTimeStep < 0) throw new RangeError('afterTimeStep must be a non-negative integer');
    // otplib throws when afterTimeStep is past the window (a clock set back): nothing can match.
    if (afterTimeStep >= totpTimeStep(now) + TOTP_WINDOW_STEPS) return null;
  }
  const result = verifySync({
    ...otpPlugins,
    secret,
    token: code,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    epoch: Math.floor(now / 1000),
    epochTolerance: TOTP_WINDOW_STEPS * TOTP_PERIOD_SECONDS,
    afterTimeStep,
  });
  return result.valid ? result.timeStep : null;
}

/** True when the token is the code of the current, previous or next step (see matchTotpStep). */
export function verifyTotp(secret: string, token: string, options: TotpCheckOptions = {}): boolean {
  return matchTotpStep(secret, token, options) !== null;
}

// ---- QR code -----------------------------------------------------------------------------------

const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;
/** Pixels (PNG) or the width and height attributes (SVG; CSS can still resize it). */
const QR_WIDTH = 240;

/**
 * The QR code of an otpauth:// URI as an inline SVG element (only <svg> and <path>, no script,
 * no external reference): safe to put in a page as it is, and allowed by a strict CSP.
 */
export function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { ...QR_OPTIONS, type: 'svg', width: QR_WIDTH });
}

/** The same QR code as a PNG data: URL, for an <img src> (the CSP must allow img-src data:). */
export function totpQrDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { ...QR_OPTIONS, type: 'image/png', width: QR_WIDTH });
}

// ---- Recovery codes ----------------------------------------------------------------------------

/**
 * Lower-case letters and digits without the ones easily mistaken for another: 0/o, 1/l/i.
 * 31 symbols, 10 per code: 10 × log2(31) ≈ 49.5 bits of entropy per code.
 */
export const RECOVERY_CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const RECOVERY_CODE_GROUPS = [4, 4, 2];

/** Single-use recovery codes in the form "xxxx-xxxx-xx", from crypto-random unbiased draws. */
export function generateRecoveryCodes(count = 10): string[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
  const codes = new Set<string>();
  while (codes.size < count) {
    codes.add(RECOVERY_CODE_GROUPS.map((size) => randomString(size)).join('-'));
  }
  return [...codes];
}

function randomString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)];
  return out;
}

/** The form in which codes are hashed and compared: lower case, without spaces or dashes. */
export function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s\-‐‑‒–—]+/g, '');
}

/**
 * SHA-256 (hex) of the normalised code. A fast hash is enough: the codes are random with ~50 bits
 * of entropy, so a stolen hash cannot be reversed by guessing, unlike a password's.
 */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code), 'utf8').digest('hex');
}

/**
 * The index in `hashes` of the code typed, or -1. Every stored hash is compared, in constant
 * time, so the time taken tells nothing about which one matched. The caller removes the used
 * hash (each code works once). Entries that are not hashes (e.g. "" for a used code) never match.
 */
export function findRecoveryCode(hashes: readonly string[], input: string): number {
  const candidate = Buffer.from(hashRecoveryCode(input), 'utf8');
  let found = -1;
  hashes.forEach((hash, index) => {
    const stored = Buffer.from(hash, 'utf8');
    if (stored.length === candidate.length && timingSafeEqual(stored, candidate) && found === -1) found = index;
  });
  return found;
}

// ---- Encryption of the TOTP secret at rest -----------------------------------------------------

const CIPHER = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';
const HKDF_INFO = 'liaise-totp-v1';
/** The server secret the key is derived from: SESSION_SECRET's production minimum. */
const MASTER_SECRET_MIN_LENGTH = 32;

/**
 * The 32-byte AES key for TOTP secrets, derived with HKDF-SHA256 (info "liaise-totp-v1", no salt:
 * the input is already a high-entropy secret) from the server's master secret, e.g.
 * SESSION_SECRET. The derived key is used for nothing else. Changing the master secret makes the
 * stored TOTP secrets unreadable: their owners must enrol again (or use a recovery code).
 */
export function deriveKey(masterSecret: string): Buffer {
  if (masterSecret.length < MASTER_SECRET_MIN_LENGTH) {
    throw new RangeError(`the master secret must have at least ${MASTER_SECRET_MIN_LENGTH} characters`);
  }
  return Buffer.from(hkdfSync('sha256', Buffer.from(masterSecret, 'utf8'), Buffer.alloc(0), HKDF_INFO, KEY_BYTES));
}

/**
 * AES-256-GCM with a random 12-byte IV: "v1.<iv>.<tag>.<ciphertext>", each part base64url.
 * `associatedData` (e.g. the account id) is authenticated but not stored: give the same to
 * decryptSecret, and a secret copied onto another account will not decrypt there.
 */
export function encryptSecret(plain: string, key: Buffer, associatedData?: string): string {
  requireKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
  if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT_VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** The plain text of an encryptSecret token. Throws when the token is malformed, was changed, or
 * the key or associated data differ. */
export function decryptSecret(token: string, key: Buffer, associatedData?: string): string {
  requireKey(key);
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== FORMAT_VERSION) throw new Error('not an encrypted secret (v1)');
  const [iv, tag, ciphertext] = parts.slice(1).map((part) => decodeBase64url(part)) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('not an encrypted secret (v1)');
  const decipher = createDecipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('the encrypted secret was altered, or the key is wrong');
  }
}

function requireKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new RangeError(`the key must be ${KEY_BYTES} bytes`);
}

/** Strict base64url: Node's decoder silently skips bad characters, which would hide tampering. */
function decodeBase64url(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not an encrypted secret (v1)');
  return Buffer.from(text, 'base64url');
}
