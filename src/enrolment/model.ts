/**
 * Enrolment in training sessions (issue 5, point 5).
 *
 * The truth about who holds a seat and who waits is kept in claim documents, because a
 * guarded update is not atomic on FerretDB 1.24 (SQLite) while a unique index is (see
 * src/db/single-use.ts):
 * - `SeatClaim` `_id: "<session>:<seat>"` with seat 1..capacity, unique on (session, user):
 *   a seat holds one person and a person holds at most one seat of a session;
 * - `WaitClaim` `_id: "<session>:w:<n>"` with an increasing ticket n, unique on
 *   (session, user): the waiting list, in the order of n.
 * `Enrolment` is the person's record (status, who enrolled them, history), written after the
 * claims and re-read from them, never trusted to decide capacity.
 */
import mongoose, { Schema } from 'mongoose';

export const ENROLMENT_STATUSES = ['enrolled', 'waitlisted', 'cancelled'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

export interface EnrolmentChange {
  at: Date;
  /** Who made the change (the person, a trainer, a coordinator; for a promotion, whoever cancelled). */
  by: mongoose.Types.ObjectId;
  /** Null for the first enrolment. */
  from: EnrolmentStatus | null;
  to: EnrolmentStatus;
}

export interface EnrolmentDocument {
  _id: mongoose.Types.ObjectId;
  session: mongoose.Types.ObjectId;
  user: mongoose.Types.ObjectId;
  status: EnrolmentStatus;
  /** The seat number while enrolled. */
  seat?: number;
  /** The waiting-list ticket while waitlisted: the order. People see their rank among current waiters instead. */
  waitTicket?: number;
  /** Who enrolled them last (themself, a trainer, a coordinator). */
  enrolledBy: mongoose.Types.ObjectId;
  history: EnrolmentChange[];
  createdAt: Date;
  updatedAt: Date;
}

const changeSchema = new Schema<EnrolmentChange>(
  {
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    from: { type: String, enum: [...ENROLMENT_STATUSES, null], default: null },
    to: { type: String, enum: ENROLMENT_STATUSES, required: true },
  },
  { _id: false },
);

const enrolmentSchema = new Schema<EnrolmentDocument>(
  {
    session: { type: Schema.Types.ObjectId, ref: 'TrainingSession', required: true },
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    status: { type: String, enum: ENROLMENT_STATUSES, required: true },
    seat: { type: Number },
    waitTicket: { type: Number },
    enrolledBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    history: { type: [changeSchema], default: [] },
  },
  { timestamps: true, versionKey: false },
);
enrolmentSchema.index({ session: 1, user: 1 }, { unique: true });
// "My sessions".
enrolmentSchema.index({ user: 1, status: 1 });

export const Enrolment = mongoose.model<EnrolmentDocument>('Enrolment', enrolmentSchema, 'enrolments');

export interface SeatClaimDocument {
  /** `<session id>:<seat>`. */
  _id: string;
  session: mongoose.Types.ObjectId;
  user: mongoose.Types.ObjectId;
  seat: number;
  claimedAt: Date;
  /** When the seat was taken, in microseconds: the roster lists people in this order (seat numbers are random). */
  order: number;
}

const seatClaimSchema = new Schema<SeatClaimDocument>(
  {
    _id: { type: String },
    session: { type: Schema.Types.ObjectId, required: true },
    user: { type: Schema.Types.ObjectId, required: true },
    seat: { type: Number, required: true },
    claimedAt: { type: Date, required: true },
    order: { type: Number, default: 0 },
  },
  { versionKey: false },
);
seatClaimSchema.index({ session: 1, user: 1 }, { unique: true });
seatClaimSchema.index({ user: 1 });

export const SeatClaim = mongoose.model<SeatClaimDocument>('SessionSeatClaim', seatClaimSchema, 'session_seats');

export interface WaitClaimDocument {
  /** `<session id>:w:<n>`. */
  _id: string;
  session: mongoose.Types.ObjectId;
  user: mongoose.Types.ObjectId;
  /** The ticket: the lower, the sooner promoted. */
  n: number;
  claimedAt: Date;
}

const waitClaimSchema = new Schema<WaitClaimDocument>(
  {
    _id: { type: String },
    session: { type: Schema.Types.ObjectId, required: true },
    user: { type: Schema.Types.ObjectId, required: true },
    n: { type: Number, required: true },
    claimedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
waitClaimSchema.index({ session: 1, user: 1 }, { unique: true });
waitClaimSchema.index({ session: 1, n: 1 });

export const WaitClaim = mongoose.model<WaitClaimDocument>('SessionWaitClaim', waitClaimSchema, 'session_waiting_list');

export const seatClaimId = (session: mongoose.Types.ObjectId | string, seat: number) => `${String(session)}:${seat}`;
export const waitClaimId = (session: mongoose.Types.ObjectId | string, n: number) => `${String(session)}:w:${n}`;

/**
 * Resolves once the unique indexes exist: the claims rely on them, and a fresh database
 * (tests, a new installation) gets its indexes built in the background when models compile.
 */
let indexesReady: Promise<unknown> | undefined;
export function enrolmentIndexesReady(): Promise<unknown> {
  // createIndexes, not init(): init() keeps the promise of the attempt made when the model was compiled, which fails if that was before the connection.
  indexesReady ??= Promise.all([SeatClaim.createIndexes(), WaitClaim.createIndexes(), Enrolment.createIndexes()]).catch((error: unknown) => {
    indexesReady = undefined;
    throw error;
  });
  return indexesReady;
}
