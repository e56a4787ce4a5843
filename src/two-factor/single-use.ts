/**
 * "This code works once", in a way that holds on FerretDB too. A guarded update (the last time
 * step in the filter, or the code in the array being pulled) is not atomic on FerretDB 1.24
 * with SQLite: simultaneous requests can all match and all "succeed" (measured with four at
 * once). A unique index is enforced by the storage itself, so each use is claimed by inserting
 * one document named after it: exactly one request gets it.
 */
import mongoose, { Schema } from 'mongoose';

interface CodeUseDocument {
  _id: string;
  userId: string;
  usedAt: Date;
}

const codeUseSchema = new Schema<CodeUseDocument>(
  { _id: { type: String }, userId: { type: String, required: true, index: true }, usedAt: { type: Date, required: true } },
  { versionKey: false },
);

const CodeUse = mongoose.model<CodeUseDocument>('TwoFactorCodeUse', codeUseSchema, 'two_factor_code_uses');

/** A TOTP step is out of every window after a few minutes; its claim is kept a day, then dropped. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/** True for the first request to use this code of this account; false for every other. */
export async function claimCodeUse(userId: string, kind: 'totp' | 'recovery', code: string): Promise<boolean> {
  try {
    await CodeUse.create({ _id: `${userId}:${kind}:${code}`, userId, usedAt: new Date() });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return false;
    throw error;
  }
  await CodeUse.deleteMany({ userId, usedAt: mongoose.trusted({ $lt: new Date(Date.now() - KEEP_MS) }), _id: mongoose.trusted({ $regex: /:totp:/ }) });
  return true;
}
