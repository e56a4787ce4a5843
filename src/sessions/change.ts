/**
 * Editing and cancelling a session (issue 5, points 1 and 7): by its trainers, coordinators of
 * its country and administrators. An edit is checked as a whole, like a new session; capacity
 * never goes below the seats taken; a change of time or place bumps the calendar SEQUENCE and
 * is announced (events.ts).
 */
import { type z } from 'zod';
import type { SessionUser } from '../accounts/session-user';
import { claimOnce } from '../db/single-use';
import { ConflictError, ForbiddenError } from '../http/errors';
import { fillFreeSeats, seatsTaken } from '../enrolment/service';
import { findSession, managesSession } from './access';
import { sessionEvents } from './events';
import { TrainingSession, type TrainingSessionDocument } from './model';
import { prepareSession, racedBookings, type ScheduleWarning, scheduleInputSchema, venueWarnings } from './schedule';

export const sessionPatchSchema = scheduleInputSchema.partial().strict();
export type SessionPatch = z.input<typeof sessionPatchSchema>;

const sameDays = (a: TrainingSessionDocument['days'], b: TrainingSessionDocument['days']) =>
  a.length === b.length && a.every((day, index) => day.startsAt.getTime() === b[index]!.startsAt.getTime() && day.endsAt.getTime() === b[index]!.endsAt.getTime());

async function sessionToManage(user: SessionUser | undefined, id: string): Promise<TrainingSessionDocument> {
  const session = await findSession(id);
  if (!managesSession(user, session)) throw new ForbiddenError('only its trainers, coordinators of its country and administrators change a session');
  if (session.status === 'cancelled') {
    throw new ConflictError('this session is cancelled', 'session-cancelled', [{ path: '', key: 'sessions:errors.session-cancelled' }]);
  }
  return session;
}

export async function updateSession(
  user: SessionUser | undefined,
  id: string,
  rawPatch: unknown,
  now = new Date(),
): Promise<{ session: TrainingSessionDocument; warnings: ScheduleWarning[] }> {
  const session = await sessionToManage(user, id);
  const patch = (rawPatch && typeof rawPatch === 'object' ? rawPatch : {}) as Record<string, unknown>;
  const days = patch.days ?? session.days.map(({ date, start, end }) => ({ date, start, end }));
  const merged = {
    title: session.title,
    courses: session.courses.map(({ slug, version }) => ({ slug, version })),
    language: session.language,
    city: session.city,
    venue: { name: session.venue.name, address: session.venue.address },
    // A new city without a zone takes its country's; otherwise the zone stays.
    ...(patch.city === undefined || patch.city === session.city ? { timezone: session.timezone } : {}),
    days,
    capacity: session.capacity,
    // New days without a deadline: the default again, unless the old one still comes first.
    ...(patch.days === undefined ? { enrolmentDeadline: session.enrolmentDeadlineDate } : {}),
    trainers: session.trainers.map(String),
    ...patch,
  };
  if (patch.days !== undefined && patch.enrolmentDeadline === undefined && Array.isArray(patch.days)) {
    const firstDate = (patch.days[0] as { date?: unknown } | undefined)?.date;
    if (typeof firstDate === 'string' && session.enrolmentDeadlineDate < firstDate) merged.enrolmentDeadline = session.enrolmentDeadlineDate;
  }
  // Only new days are held to "not in the past": a trainer may still fix the venue of a session under way.
  const checkPastFrom = patch.days === undefined ? new Date(0) : now;
  const { fields, names } = await prepareSession(user, merged, checkPastFrom, { except: session._id, keep: session.courses });
  // Seats are numbered claims (enrolment/claims.ts): none may be left beyond the capacity.
  const seats = await seatsTaken(String(session._id));
  const floor = Math.max(seats.taken, seats.highestSeat);
  if (fields.capacity < floor) {
    throw new ConflictError(`capacity ${fields.capacity} is below the ${floor} seats held`, 'capacity-below-seats', [
      { path: 'capacity', key: 'sessions:errors.capacity-below-seats', values: { taken: floor } },
    ]);
  }
  const time = !sameDays(session.days, fields.days);
  const place = session.city !== fields.city || session.venue.nameKey !== fields.venue.nameKey || session.venue.address !== fields.venue.address;
  const saved = await TrainingSession.findOneAndUpdate(
    { _id: session._id, status: 'open' },
    { $set: fields, ...(time || place || session.title !== fields.title ? { $inc: { sequence: 1 } } : {}) },
    { returnDocument: 'after' },
  ).lean();
  if (!saved) throw new ConflictError('this session is cancelled', 'session-cancelled', [{ path: '', key: 'sessions:errors.session-cancelled' }]);
  const raced = await racedBookings(fields, saved._id, names);
  if (raced) {
    // Put back what this edit changed: the other booking came first. Not the counters nor the
    // status, which enrolments and a cancellation may have moved meanwhile.
    const { seatsTaken: _seats, waitlisted: _waiting, status: _status, ...edited } = session;
    await TrainingSession.updateOne({ _id: session._id }, { $set: { ...edited, sequence: saved.sequence + 1 } });
    throw raced;
  }
  // More seats: the first people waiting get them at once.
  if (fields.capacity > session.capacity && user) await fillFreeSeats(user, String(saved._id), now);
  if (time || place) sessionEvents.emit('changed', { session: saved, time, place });
  return { session: saved, warnings: await venueWarnings(fields, saved._id) };
}

/** Cancels a session; everyone enrolled or waiting is told (events.ts), calendars get METHOD:CANCEL. */
export async function cancelSession(user: SessionUser | undefined, id: string): Promise<TrainingSessionDocument> {
  const session = await sessionToManage(user, id);
  // Two people cancelling at once: one claim, so one cancellation and one round of mails.
  if (!(await claimOnce(`session-cancel:${String(session._id)}`, 365 * 24 * 3600 * 1000))) {
    throw new ConflictError('this session is cancelled', 'session-cancelled', [{ path: '', key: 'sessions:errors.session-cancelled' }]);
  }
  const cancelled = await TrainingSession.findOneAndUpdate({ _id: session._id, status: 'open' }, { $set: { status: 'cancelled' }, $inc: { sequence: 1 } }, { returnDocument: 'after' }).lean();
  if (!cancelled) throw new ConflictError('this session is cancelled', 'session-cancelled', [{ path: '', key: 'sessions:errors.session-cancelled' }]);
  sessionEvents.emit('cancelled', { session: cancelled });
  return cancelled;
}
