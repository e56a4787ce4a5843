/**
 * The roll call (issue 6, point 1): per session day, the enrolled people and their status.
 * Recording is all or nothing for a batch (every person checked first), idempotent (the same
 * status again changes nothing), possible from the day's start, and every change is kept in
 * the trail. People enrolled after a day ended are not shown absent for it.
 */
import mongoose from 'mongoose';
import { accountsByIds } from '../accounts/by-ids';
import type { SessionUser } from '../accounts/session-user';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../http/errors';
import { SeatClaim } from '../enrolment/model';
import { findSession, managesSession } from '../sessions/access';
import type { TrainingSessionDocument } from '../sessions/model';
import { Attendance, type AttendanceDocument, AttendanceChange, attendanceId, type AttendanceStatus } from './model';
import { recountPeople } from './trained';

export interface AttendanceInput {
  userId: string;
  status: AttendanceStatus;
  note?: string | undefined;
}

/** The session and the 0-based day for a 1-based `:day`; 404 when there is no such day. */
export async function sessionDay(sessionId: string, dayNumber: number): Promise<{ session: TrainingSessionDocument; day: number }> {
  const session = await findSession(sessionId);
  const day = dayNumber - 1;
  if (!Number.isInteger(day) || day < 0 || day >= session.days.length) throw new NotFoundError('no such day in this session');
  return { session, day };
}

/**
 * Who holds a seat, and since when (the last time they became enrolled: a seat is claimed anew
 * on every enrolment and promotion). Read from the seats, which decide who is enrolled
 * (enrolment/claims.ts), rather than from the enrolment records with their whole history.
 */
async function enrolledPeople(session: mongoose.Types.ObjectId) {
  const seats = await SeatClaim.find({ session }).select({ user: 1, claimedAt: 1 }).lean();
  return seats.map((seat) => ({ user: seat.user, since: seat.claimedAt }));
}

export interface RollCallEntry {
  userId: string;
  name: string;
  email: string;
  organisation: string | null;
  status: AttendanceStatus | null;
  note: string | null;
  /** Enrolled after this day ended: not expected that day, never shown absent. */
  enrolledLater: boolean;
}

/** The day's list: everyone enrolled, by name, with their status or null (not recorded yet). */
export async function rollCall(actor: SessionUser | undefined, sessionId: string, dayNumber: number) {
  const { session, day } = await sessionDay(sessionId, dayNumber);
  if (!managesSession(actor, session)) throw new ForbiddenError('only its trainers, coordinators of its country and administrators take the roll call');
  const people = await enrolledPeople(session._id);
  const [users, records] = await Promise.all([
    accountsByIds(people.map((person) => person.user)),
    // Each person's record by its key (attendanceId), sent together: a query on session and day
    // made FerretDB scan every attendance record of the programme.
    Promise.all(people.map((person) => Attendance.findById(attendanceId(session._id, day, person.user)).lean())),
  ]);
  const dayEnd = session.days[day]!.endsAt;
  const entries: RollCallEntry[] = people.map((person) => {
    const user = users.get(String(person.user));
    const record = records.find((candidate) => candidate?.user.equals(person.user));
    return {
      userId: String(person.user),
      name: user?.name ?? '',
      email: user?.email ?? '',
      organisation: user?.organisationName ?? null,
      status: record?.status ?? null,
      note: record?.note ?? null,
      enrolledLater: !record && person.since > dayEnd,
    };
  });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  return { session, day, entries, started: Date.now() >= session.days[day]!.startsAt.getTime() };
}

/**
 * Records statuses for one day. 403 for anyone but the session's staff (check-in.ts records a
 * person's own presence through writeAttendance, after its own checks); 409 `day-not-started`
 * before the day's start, `session-cancelled`; 400 naming anyone not enrolled — and then
 * nothing of the batch is saved.
 */
export async function recordAttendance(
  actor: SessionUser | undefined,
  sessionId: string,
  dayNumber: number,
  inputs: AttendanceInput[],
  now: Date = new Date(),
): Promise<AttendanceDocument[]> {
  const { session, day } = await sessionDay(sessionId, dayNumber);
  if (!managesSession(actor, session)) throw new ForbiddenError('only its trainers, coordinators of its country and administrators take the roll call');
  if (session.status === 'cancelled') throw new ConflictError('this session is cancelled', 'session-cancelled', [{ path: '', key: 'sessions:errors.session-cancelled' }]);
  if (now < session.days[day]!.startsAt) {
    throw new ConflictError('this day has not started yet', 'day-not-started', [{ path: 'day', key: 'attendance:errors.day-not-started' }]);
  }
  const enrolled = new Set((await enrolledPeople(session._id)).map((person) => String(person.user)));
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  inputs.forEach((input, index) => {
    const id = input.userId.toLowerCase();
    if (seen.has(id)) problems.push({ path: `records.${index}.userId`, key: 'attendance:errors.repeated', values: { user: input.userId } });
    seen.add(id);
  });
  const strangers = inputs.map((input, index) => ({ input, index })).filter(({ input }) => !enrolled.has(input.userId.toLowerCase()));
  if (strangers.length > 0) {
    const known = await accountsByIds(strangers.map(({ input }) => input.userId));
    for (const { input, index } of strangers) {
      const person = known.get(input.userId.toLowerCase());
      problems.push({ path: `records.${index}.userId`, key: 'attendance:errors.not-enrolled', values: { person: person ? `${person.name} <${person.email}>` : input.userId } });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems, 'some people are not enrolled in this session');

  await writeAttendance(session, day, inputs, actor!.id, now, 'roll-call');
  return Attendance.find({ session: session._id, day }).sort({ _id: 1 }).lean();
}

/**
 * Writes checked statuses of one day: the records, a trail line for each change, the recount of
 * the people whose status changed. One read of the day's records, one batch of writes, one
 * trail insert, one recount: a roll call of 30 costs a handful of round trips, not a few per person.
 */
export async function writeAttendance(session: TrainingSessionDocument, day: number, inputs: AttendanceInput[], byId: string, now: Date, via: 'roll-call' | 'check-in'): Promise<void> {
  const by = new mongoose.Types.ObjectId(byId);
  const ids = inputs.map((input) => attendanceId(session._id, day, input.userId.toLowerCase()));
  const before = new Map((await Attendance.find({ _id: mongoose.trusted({ $in: ids }) }).lean()).map((record) => [record._id, record]));
  const writes: Array<Parameters<typeof Attendance.bulkWrite>[0][number]> = [];
  const trail: Array<Record<string, unknown>> = [];
  const changed: mongoose.Types.ObjectId[] = [];
  inputs.forEach((input, index) => {
    const user = new mongoose.Types.ObjectId(input.userId);
    const _id = ids[index]!;
    const previous = before.get(_id);
    const note = input.note?.trim() || undefined;
    if (previous && previous.status === input.status && (previous.note ?? undefined) === note) return;
    writes.push({
      updateOne: {
        filter: { _id },
        update: {
          $set: { session: session._id, day, date: session.days[day]!.date, user, status: input.status, recordedBy: by, recordedAt: now, via, ...(note ? { note } : {}) },
          ...(note ? {} : { $unset: { note: 1 } }),
        },
        upsert: true,
      },
    });
    trail.push({ attendance: _id, session: session._id, day, user, from: previous?.status ?? null, to: input.status, ...(note ? { note } : {}), by, at: now, via });
    changed.push(user);
  });
  if (writes.length > 0) {
    await Attendance.bulkWrite(writes, { ordered: true });
    await AttendanceChange.insertMany(trail);
    await recountPeople(changed);
  }
}
