/**
 * "This works once" (a code, a link), in a way that holds on FerretDB too. A guarded update
 * (`usedAt: {$exists: false}` or the last time step in the filter) is not atomic on FerretDB
 * 1.24 with SQLite: simultaneous requests can all match and all "succeed" (measured with four
 * at once). A unique index is enforced by the storage itself, so each use is claimed by
 * inserting one document named after it: exactly one request gets it.
 */
import mongoose, { Schema } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';

interface UseDocument {
  _id: string;
  /** After this, the thing used can no longer be presented anyway: the claim may go. */
  expiresAt: Date;
}

const useSchema = new Schema<UseDocument>({ _id: { type: String }, expiresAt: { type: Date, required: true, index: true } }, { versionKey: false });

const SingleUse = mongoose.model<UseDocument>('SingleUse', useSchema, 'single_uses');

/**
 * True for the first request to claim `key`; false for every other. Keep the claim at least as
 * long as the thing could still be presented (`keepMs`).
 */
export async function claimOnce(key: string, keepMs: number): Promise<boolean> {
  const now = Date.now();
  try {
    await SingleUse.create({ _id: key, expiresAt: new Date(now + keepMs) });
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
  // Expired claims are removed here rather than by a TTL index (FerretDB has none).
  await SingleUse.deleteMany({ expiresAt: mongoose.trusted({ $lt: new Date(now) }) });
  return true;
}
