/**
 * Self check-in (issue 6, point 2): a session's staff open a per-day code (a short code and a
 * QR image of a link) for a window they choose; an enrolled person enters or scans it and is
 * marked present for that day only.
 *
 * - One code per session day (`_id: "<session>:<day>"`): opening a new one replaces the last.
 * - Only a hash is stored: sha256 of `<session>:<day>:<CODE>`, so a code of one day or session
 *   never matches another, and the database never holds a usable code.
 * - The status given is always `present` (a trainer turns it into `late` in the roll call if
 *   they want: no automatic rule); a record the staff already made other than `absent` is kept
 *   as it is, and checking in again changes nothing.
 * - Wrong codes are rate-limited per person at the edge (check-in-routes.ts).
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import type { SessionUser } from '../accounts/session-user';
import { claimOnce } from '../db/single-use';
import { Enrolment } from '../enrolment/model';
import { ConflictError, ForbiddenError, UnauthorizedError, ValidationError } from '../http/errors';
import { managesSession } from '../sessions/access';
import { Attendance, attendanceId, type AttendanceStatus } from './model';
import { sessionDay, writeAttendance } from './roll-call';

/** No 0/O, 1/I: nothing to misread on a projector. */
export const CHECK_IN_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CHECK_IN_CODE_LENGTH = 6;
export const CHECK_IN_MINUTES = { min: 5, max: 240, default: 30 } as const;

export interface CheckInCodeDocument {
  /** `<session id>:<day index>`: one live code per day. */
  _id: string;
  session: mongoose.Types.ObjectId;
  /** 0-based index of the day. */
  day: number;
  codeHash: string;
  validFrom: Date;
  validUntil: Date;
  createdBy: mongoose.Types.ObjectId;
}

const checkInCodeSchema = new Schema<CheckInCodeDocument>(
  {
    _id: { type: String },
    session: { type: Schema.Types.ObjectId, required: true },
    day: { type: Number, required: true },
    codeHash: { type: String, required: true },
    validFrom: { type: Date, required: true },
    validUntil: { type: Date, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);
checkInCodeSchema.index({ session: 1 });

export const CheckInCode = mongoose.model<CheckInCodeDocument>('CheckInCode', checkInCodeSchema, 'check_in_codes');

const codeKey = (session: mongoose.Types.ObjectId, day: number) => `${String(session)}:${day}`;

export function hashCheckInCode(session: mongoose.Types.ObjectId | string, day: number, code: string): string {
  return createHash('sha256').update(`${String(session)}:${day}:${code}`).digest('hex');
}

/** What people type: case, spaces and dashes do not matter. */
export function normaliseCheckInCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function generateCheckInCode(): string {
  return Array.from({ length: CHECK_IN_CODE_LENGTH }, () => CHECK_IN_ALPHABET[randomInt(CHECK_IN_ALPHABET.length)]).join('');
}

/** The link the QR image holds: the check-in form with everything filled in. */
export function checkInUrl(baseUrl: string, sessionId: string, dayNumber: number, code: string): string {
  const query = new URLSearchParams({ session: sessionId, day: String(dayNumber), code });
  return `${baseUrl.replace(/\/+$/, '')}/check-in?${query.toString()}`;
}

export interface OpenedCheckInCode {
  code: string;
  validFrom: Date;
  validUntil: Date;
}

/**
 * Opens a new code for a day (the previous one stops working). 403 unless staff of the
 * session; 409 `session-cancelled`, or `outside-day` when now is not within the day's times.
 * The window is `minutes` from now, clipped to the day's end.
 */
export async function openCheckInCode(
  actor: SessionUser | undefined,
  sessionId: string,
  dayNumber: number,
  minutes: number = CHECK_IN_MINUTES.default,
  now: Date = new Date(),
): Promise<OpenedCheckInCode> {
  const { session, day } = await sessionDay(sessionId, dayNumber);
  if (!managesSession(actor, session)) throw new ForbiddenError('only its trainers, coordinators of its country and administrators open check-in');
  if (!Number.isInteger(minutes) || minutes < CHECK_IN_MINUTES.min || minutes > CHECK_IN_MINUTES.max) {
    throw new ValidationError([{ path: 'minutes', key: 'attendance:check-in.errors.minutes', values: { min: CHECK_IN_MINUTES.min, max: CHECK_IN_MINUTES.max } }]);
  }
  if (session.status === 'cancelled') throw new ConflictError('this session is cancelled', 'session-cancelled', [{ path: '', key: 'sessions:errors.session-cancelled' }]);
  const { startsAt, endsAt } = session.days[day]!;
  if (now < startsAt || now >= endsAt) {
    throw new ConflictError('check-in opens only during the day', 'outside-day', [{ path: 'day', key: 'attendance:check-in.errors.outside-day' }]);
  }
  const code = generateCheckInCode();
  const validUntil = new Date(Math.min(now.getTime() + minutes * 60_000, endsAt.getTime()));
  await CheckInCode.replaceOne(
    { _id: codeKey(session._id, day) },
    { session: session._id, day, codeHash: hashCheckInCode(session._id, day, code), validFrom: now, validUntil, createdBy: new mongoose.Types.ObjectId(actor!.id) },
    { upsert: true },
  );
  return { code, validFrom: now, validUntil };
}

/** The day's current code window (never the code itself), for the staff page. */
export async function currentCheckInWindow(sessionId: mongoose.Types.ObjectId, day: number): Promise<{ validFrom: Date; validUntil: Date } | null> {
  const stored = await CheckInCode.findById(codeKey(sessionId, day)).lean();
  return stored ? { validFrom: stored.validFrom, validUntil: stored.validUntil } : null;
}

const wrongCode = () => new ValidationError([{ path: 'code', key: 'attendance:check-in.errors.wrong-code' }], 'wrong check-in code');

/**
 * The actor checks themself in. 401 without an account; 404 no such session or day; 403 not
 * enrolled; 400 `validation` (path `code`) for a wrong code — including one of another day or
 * session; 409 `check-in-closed` outside the code's window, `session-cancelled`.
 */
export async function checkIn(
  actor: SessionUser | undefined,
  sessionId: string,
  dayNumber: number,
  rawCode: string,
  now: Date = new Date(),
): Promise<{ status: AttendanceStatus; already: boolean }> {
  if (!actor) throw new UnauthorizedError();
  const { session, day } = await sessionDay(sessionId, dayNumber);
  const user = new mongoose.Types.ObjectId(actor.id);
  const enrolled = await Enrolment.exists({ session: session._id, user, status: 'enrolled' });
  if (!enrolled) throw new ForbiddenError('only people enrolled in this session check in', 'not-enrolled');
  const code = normaliseCheckInCode(rawCode);
  const stored = await CheckInCode.findById(codeKey(session._id, day)).lean();
  if (!stored || code.length !== CHECK_IN_CODE_LENGTH) throw wrongCode();
  const given = Buffer.from(hashCheckInCode(session._id, day, code), 'hex');
  if (!timingSafeEqual(given, Buffer.from(stored.codeHash, 'hex'))) throw wrongCode();
  if (now < stored.validFrom || now >= stored.validUntil) {
    throw new ConflictError('this check-in code is no longer valid', 'check-in-closed', [{ path: 'code', key: 'attendance:check-in.errors.closed' }]);
  }
  if (session.status === 'cancelled') throw new ConflictError('this session is cancelled', 'session-cancelled', [{ path: '', key: 'sessions:errors.session-cancelled' }]);

  const recordId = attendanceId(session._id, day, user);
  const before = await Attendance.findById(recordId).lean();
  if (before && before.status !== 'absent') return { status: before.status, already: true };
  // Two submissions at once (a double tap): only one writes, so the trail gets one entry.
  const first = await claimOnce(`check-in:${recordId}:${stored.codeHash}`, Math.max(0, stored.validUntil.getTime() - now.getTime()) + 60_000);
  if (!first) return { status: (await Attendance.findById(recordId).lean())?.status ?? 'present', already: true };
  // Checked above (enrolled, code, window within the day, not cancelled): written as the roll call writes.
  await writeAttendance(session, day, [{ userId: actor.id, status: 'present' }], actor.id, now, 'check-in');
  return { status: 'present', already: false };
}
