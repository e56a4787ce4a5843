/**
 * Compare-and-set for draft edits that holds on FerretDB too.
 *
 * A guarded update (`{_id, revision}` in the filter) is not atomic on FerretDB 1.24 with
 * SQLite: two simultaneous updates can both match the old revision and both write (measured:
 * four concurrent guarded updates, three "modified", revision bumped once). Unique indexes are
 * enforced by the storage itself, so the right to move a draft from revision r to r + 1 is
 * claimed by inserting the one document `<version id>:<r>`: exactly one editor gets it, the
 * others see a duplicate key and are told that the draft changed meanwhile.
 */
import mongoose, { Schema } from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key';

interface RevisionClaimDocument {
  _id: string;
  version: mongoose.Types.ObjectId;
  revision: number;
  createdAt: Date;
}

const revisionClaimSchema = new Schema<RevisionClaimDocument>(
  {
    _id: { type: String },
    version: { type: Schema.Types.ObjectId, required: true },
    revision: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
revisionClaimSchema.index({ version: 1, revision: 1 });

const RevisionClaim = mongoose.model<RevisionClaimDocument>('CourseRevisionClaim', revisionClaimSchema, 'course_revision_claims');

/** A claim older than this whose draft never moved on was left by a crash: it may be taken over. */
const ABANDONED_AFTER_MS = 30_000;

/**
 * Claims the move of draft `version` from `revision`; false when someone else has it.
 * `stillAt` tells whether the draft is still at that revision (for abandoned claims).
 */
export async function claimRevision(version: mongoose.Types.ObjectId, revision: number, stillAt: () => Promise<boolean>): Promise<boolean> {
  const _id = `${String(version)}:${revision}`;
  try {
    await RevisionClaim.create({ _id, version, revision, createdAt: new Date() });
    return true;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  const claim = await RevisionClaim.findById(_id).lean();
  if (!claim || Date.now() - claim.createdAt.getTime() < ABANDONED_AFTER_MS || !(await stillAt())) return false;
  const { deletedCount } = await RevisionClaim.deleteOne({ _id, createdAt: claim.createdAt });
  if (deletedCount !== 1) return false;
  try {
    await RevisionClaim.create({ _id, version, revision, createdAt: new Date() });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** The claims below `revision` guard nothing any more: the draft has moved past them. */
export async function forgetClaimsBefore(version: mongoose.Types.ObjectId, revision: number): Promise<void> {
  await RevisionClaim.deleteMany({ version, revision: mongoose.trusted({ $lt: revision }) });
}
