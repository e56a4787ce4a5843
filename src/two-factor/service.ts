import mongoose from 'mongoose';
import { ConflictError, ForbiddenError, ValidationError } from '../http/errors';
import { User, type UserDocument } from '../accounts/model';
import { verifyPassword } from '../accounts/passwords';
import type { SessionUser } from '../accounts/session-user';
import {
  decryptSecret,
  encryptSecret,
  findRecoveryCode,
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  matchTotpStep,
  normaliseTotpInput,
  totpQrSvg,
  totpUri,
} from './codes';
import { claimOnce } from '../db/single-use';

/** What two-factor operations need: the key that encrypts TOTP secrets at rest. */
export interface TwoFactorContext {
  key: Buffer;
}

/** Admins and coordinators see everyone's data: a stolen password alone must not be enough. */
const ROLES_REQUIRING_TWO_FACTOR = new Set(['admin', 'coordinator']);

export function isTwoFactorRequired(user: Pick<SessionUser, 'roles'>): boolean {
  return user.roles.some((role) => ROLES_REQUIRING_TWO_FACTOR.has(role));
}

const codeError = (key = 'two-factor:errors.wrong-code') => new ValidationError([{ path: 'code', key }]);

async function loadUser(userId: string): Promise<UserDocument> {
  const user = mongoose.isValidObjectId(userId) ? await User.findById(userId).lean() : null;
  if (!user || user.status !== 'active') throw new ForbiddenError();
  return user;
}

export interface Enrolment {
  /** The secret in base32, grouped by four for typing into an app without a camera. */
  secretForTyping: string;
  qrSvg: string;
}

/**
 * Starts (or restarts) enrolment: a new secret waits, encrypted, until the person proves their
 * app holds it by typing a code. Until then two-factor stays as it was.
 */
export async function startEnrolment(context: TwoFactorContext, userId: string): Promise<void> {
  const user = await loadUser(userId);
  if (user.twoFactor?.enabledAt) throw new ConflictError('two-factor already on', 'two-factor-enabled');
  const pending = encryptSecret(generateTotpSecret(), context.key, userId);
  await User.updateOne({ _id: user._id }, { $set: { 'twoFactor.pendingSecret': pending } });
}

/** The waiting secret as a QR code and as text, or undefined when no enrolment was started. */
export async function pendingEnrolment(context: TwoFactorContext, userId: string): Promise<Enrolment | undefined> {
  const user = await loadUser(userId);
  if (!user.twoFactor?.pendingSecret || user.twoFactor.enabledAt) return undefined;
  const secret = decryptSecret(user.twoFactor.pendingSecret, context.key, userId);
  return {
    secretForTyping: secret.replace(/(.{4})/g, '$1 ').trim(),
    qrSvg: await totpQrSvg(totpUri({ secret, accountName: user.email })),
  };
}

/**
 * Turns two-factor on once the code from the app matches the waiting secret. Returns the
 * recovery codes, shown once; only their hashes are kept.
 */
export async function confirmEnrolment(context: TwoFactorContext, userId: string, code: string): Promise<string[]> {
  const user = await loadUser(userId);
  const pending = user.twoFactor?.pendingSecret;
  if (!pending || user.twoFactor?.enabledAt) throw new ConflictError('no enrolment waiting', 'no-enrolment');
  const secret = decryptSecret(pending, context.key, userId);
  const step = matchTotpStep(secret, code);
  if (step === null) throw codeError(normaliseTotpInput(code) ? undefined : 'two-factor:errors.code-format');
  const recoveryCodes = generateRecoveryCodes();
  // Conditional on the same pending secret: two confirmations at once turn it on only once.
  const result = await User.updateOne(
    { _id: user._id, 'twoFactor.pendingSecret': pending },
    {
      $set: {
        twoFactor: {
          secret: pending,
          enabledAt: new Date(),
          lastTimeStep: step,
          recoveryCodeHashes: recoveryCodes.map(hashRecoveryCode),
        },
      },
    },
  );
  if (result.modifiedCount === 0) throw new ConflictError('enrolment changed meanwhile', 'no-enrolment');
  return recoveryCodes;
}

export type SecondFactor = 'totp' | 'recovery-code';

/** A TOTP code is out of every window within minutes; a recovery code's claim must outlive it. */
const TOTP_CLAIM_MS = 60 * 60 * 1000;
const RECOVERY_CLAIM_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/**
 * Checks a code from the app or a recovery code. Each is accepted once: every use is claimed
 * in db/single-use.ts (a unique index), so two requests racing with the same code cannot both
 * succeed; the time step is then advanced and the recovery code removed.
 */
export async function verifySecondFactor(context: TwoFactorContext, userId: string, input: string): Promise<SecondFactor | undefined> {
  const user = mongoose.isValidObjectId(userId) ? await User.findById(userId).lean() : null;
  const state = user?.twoFactor;
  if (!user || user.status !== 'active' || !state?.secret || !state.enabledAt) return undefined;
  if (normaliseTotpInput(input) !== null) {
    const secret = decryptSecret(state.secret, context.key, userId);
    const step = matchTotpStep(secret, input, { afterTimeStep: state.lastTimeStep });
    if (step === null || !(await claimOnce(`totp:${userId}:${step}`, TOTP_CLAIM_MS))) return undefined;
    // Later codes of earlier steps are refused by afterTimeStep; the claim settles races.
    await User.updateOne({ _id: user._id }, { $max: { 'twoFactor.lastTimeStep': step } });
    return 'totp';
  }
  const index = findRecoveryCode(state.recoveryCodeHashes ?? [], input);
  if (index === -1) return undefined;
  const hash = state.recoveryCodeHashes[index]!;
  if (!(await claimOnce(`recovery-code:${userId}:${hash}`, RECOVERY_CLAIM_MS))) return undefined;
  await User.updateOne({ _id: user._id }, { $pull: { 'twoFactor.recoveryCodeHashes': hash } });
  return 'recovery-code';
}

/** How many unused recovery codes are left, so the page can warn before they run out. */
export async function remainingRecoveryCodes(userId: string): Promise<number> {
  const user = await loadUser(userId);
  return user.twoFactor?.recoveryCodeHashes?.length ?? 0;
}

/** New recovery codes replace all the old ones; a current code proves the person holds the app. */
export async function regenerateRecoveryCodes(context: TwoFactorContext, userId: string, code: string): Promise<string[]> {
  if ((await verifySecondFactor(context, userId, code)) === undefined) throw codeError();
  const recoveryCodes = generateRecoveryCodes();
  await User.updateOne({ _id: userId }, { $set: { 'twoFactor.recoveryCodeHashes': recoveryCodes.map(hashRecoveryCode) } });
  return recoveryCodes;
}

/**
 * Turns two-factor off after checking the password: someone at an unlocked screen should not be
 * able to weaken the account. Refused where the role requires two-factor.
 */
export async function disableTwoFactor(userId: string, password: string): Promise<void> {
  const user = await loadUser(userId);
  if (isTwoFactorRequired(user)) throw new ForbiddenError('two-factor is required for this role', 'two-factor-required');
  const matches = await verifyPassword(user.passwordHash, password);
  if (!matches) throw new ValidationError([{ path: 'password', key: 'two-factor:errors.wrong-password' }]);
  await User.updateOne({ _id: user._id }, { $unset: { twoFactor: 1 } });
}
