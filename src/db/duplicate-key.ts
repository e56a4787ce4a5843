/**
 * Whether a write failed on a unique index: MongoDB's and FerretDB's code 11000 on insert. The
 * claims (single-use.ts, revision-claim.ts, enrolment, reminders, feeds) rely on it.
 * (FerretDB answers a unique violation on update with code 1 instead: see
 * src/profile/email-change.ts, which checks the address itself for that reason.)
 */
export const isDuplicateKey = (error: unknown): boolean => (error as { code?: number } | null)?.code === 11000;
