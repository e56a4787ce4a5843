import mongoose, { Schema } from 'mongoose';
import { claimOnce } from '../db/single-use';
import { digest, newSecret } from './tokens';

export const EMAIL_TOKEN_PURPOSES = ['verify-email', 'reset-password', 'change-email', 'invitation'] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

export const TOKEN_LIFETIME_MS: Record<EmailTokenPurpose, number> = {
  'verify-email': 7 * 24 * 60 * 60 * 1000,
  'reset-password': 60 * 60 * 1000,
  'change-email': 24 * 60 * 60 * 1000,
  invitation: 14 * 24 * 60 * 60 * 1000,
};

interface EmailTokenDocument {
  _id: mongoose.Types.ObjectId;
  userId: mongoose.Types.ObjectId;
  purpose: EmailTokenPurpose;
  tokenHash: string;
  /** For a change of address: the new address, confirmed by following the link. */
  email?: string;
  expiresAt: Date;
  usedAt?: Date;
}

const emailTokenSchema = new Schema<EmailTokenDocument>(
  {
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    purpose: { type: String, enum: EMAIL_TOKEN_PURPOSES, required: true },
    tokenHash: { type: String, required: true, unique: true },
    email: { type: String },
    expiresAt: { type: Date, required: true, index: true },
    usedAt: { type: Date },
  },
  { versionKey: false },
);

const EmailToken = mongoose.model<EmailTokenDocument>('EmailToken', emailTokenSchema, 'email_tokens');

/**
 * The secret of an emailed link as a request carries it (`?token=` or a form field), or
 * undefined when the value cannot be one: not text, empty, or far longer than any we issue.
 */
export function linkSecretOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length < 200 ? value : undefined;
}

/** Issues a single-use link secret; earlier unused ones of the same purpose stop working. */
export async function issueEmailToken(
  userId: mongoose.Types.ObjectId | string,
  purpose: EmailTokenPurpose,
  email?: string,
): Promise<string> {
  const now = new Date();
  await EmailToken.updateMany({ userId, purpose, usedAt: mongoose.trusted({ $exists: false }) }, { $set: { usedAt: now } });
  // Expired tokens are removed here rather than by a TTL index (FerretDB has none).
  await EmailToken.deleteMany({ expiresAt: mongoose.trusted({ $lt: now }) });
  const secret = newSecret();
  await EmailToken.create({
    userId,
    purpose,
    tokenHash: digest(secret),
    ...(email ? { email } : {}),
    expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]),
  });
  return secret;
}

/** Whether a link is still good, without using it up (to show the reset form). */
export async function peekEmailToken(secret: string, purpose: EmailTokenPurpose) {
  return EmailToken.findOne({
    tokenHash: digest(secret),
    purpose,
    usedAt: mongoose.trusted({ $exists: false }),
    expiresAt: mongoose.trusted({ $gt: new Date() }),
  }).lean();
}

/** Makes every unused link of a purpose stop working (a change of address called off). */
export async function revokeEmailTokens(userId: mongoose.Types.ObjectId | string, purpose: EmailTokenPurpose): Promise<void> {
  await EmailToken.updateMany({ userId, purpose, usedAt: mongoose.trusted({ $exists: false }) }, { $set: { usedAt: new Date() } });
}

/** The newest link of a purpose still waiting to be followed (e.g. a change of address). */
export async function findPendingEmailToken(userId: mongoose.Types.ObjectId | string, purpose: EmailTokenPurpose) {
  return EmailToken.findOne({
    userId,
    purpose,
    usedAt: mongoose.trusted({ $exists: false }),
    expiresAt: mongoose.trusted({ $gt: new Date() }),
  })
    .sort({ expiresAt: -1 })
    .lean();
}

/**
 * Uses a link up: of two concurrent clicks only one succeeds (claimed through a unique index,
 * see db/single-use.ts). Resolves to the token's user and address, or undefined when unknown,
 * used or expired.
 */
export async function consumeEmailToken(secret: string, purpose: EmailTokenPurpose) {
  const token = await peekEmailToken(secret, purpose);
  if (!token || !(await claimOnce(`email-token:${String(token._id)}`, token.expiresAt.getTime() - Date.now()))) return undefined;
  await EmailToken.updateOne({ _id: token._id }, { $set: { usedAt: new Date() } });
  return token;
}
