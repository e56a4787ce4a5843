/**
 * Scheduling a training session (issue 5, points 1–2): the input, its defaults and every rule
 * a new session must meet, without HTTP. Errors carry i18n keys (`sessions:errors.*`, or
 * `errors:field.*` for plain shape problems), never sentences for users.
 *
 * No transactions (database.md): double booking is checked before the insert and again after
 * it; of two sessions inserted at once for the same trainer, the one with the higher id is
 * withdrawn, so exactly one stays.
 */
import mongoose from 'mongoose';
import { z } from 'zod';
import { hasRole, inScope } from '../accounts/policy';
import { issueKey } from '../http/validate';
import { runsProgramme } from './access';
import { User } from '../accounts/model';
import type { SessionUser } from '../accounts/session-user';
import { CourseVersion } from '../courses/model';
import { latestPublished } from '../courses/published';
import { ConflictError, type FieldError, ForbiddenError, ValidationError } from '../http/errors';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';
import { findCity } from '../reference/service';
import { type SessionCourse, type SessionDay, TrainingSession, type TrainingSessionDocument, venueKey } from './model';
import { addDays, canonicalTimeZone, defaultTimeZone, endOfLocalDay, isCalendarDate, localInstant } from './time-zones';

export const MIN_DAYS = 1;
export const MAX_DAYS = 5;
export const MIN_CAPACITY = 1;
export const MAX_CAPACITY = 500;
export const MAX_COURSES = 6;
export const DEFAULT_START = '09:00';
export const DEFAULT_END = '17:00';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const VERSION = /^\d{1,6}\.\d{1,6}\.\d{1,6}$/;
const OBJECT_ID = /^[a-f0-9]{24}$/i;

export const sessionDaySchema = z.strictObject({
  date: z.string().regex(DATE),
  start: z.string().regex(TIME),
  end: z.string().regex(TIME),
});

/** A course: its slug (pinned to the latest published version), or a slug and a version (coordinators only). */
export const sessionCourseSchema = z.union([
  z.string().max(100).regex(SLUG),
  z.strictObject({ slug: z.string().max(100).regex(SLUG), version: z.string().regex(VERSION).optional() }),
]);

/**
 * The creation input (api.md, "Training sessions"). Limits that need a sentence of their own
 * (number of days, distinct courses, order of days…) are checked by the service, not here.
 */
export const scheduleInputSchema = z.strictObject({
  title: z.string().trim().min(3).max(200),
  courses: z.array(sessionCourseSchema).min(1).max(MAX_COURSES),
  language: z.enum(SUPPORTED_LANGUAGES),
  city: z.string().trim().min(1).max(100),
  venue: z.strictObject({
    name: z.string().trim().min(1).max(200),
    address: z.string().trim().min(1).max(500),
  }),
  timezone: z.string().trim().max(64).optional(),
  // Bounded for safety only: the 1–5 rule has its own message.
  days: z.array(sessionDaySchema).max(31),
  capacity: z.number().int().min(MIN_CAPACITY).max(MAX_CAPACITY),
  enrolmentDeadline: z.string().regex(DATE).optional(),
  trainers: z.array(z.string().regex(OBJECT_ID)).max(20).optional(),
});

export type ScheduleInput = z.input<typeof scheduleInputSchema>;
export type SessionDayInput = z.input<typeof sessionDaySchema>;

export interface ScheduleWarning {
  code: 'venue-busy';
  session: { id: string; title: string };
}

export interface ScheduleResult {
  session: TrainingSessionDocument;
  warnings: ScheduleWarning[];
}

/** What the form proposes: two consecutive days, 09:00–17:00, from the first date. */
export function defaultDays(firstDate: string): SessionDayInput[] {
  return [0, 1].map((offset) => ({ date: addDays(firstDate, offset), start: DEFAULT_START, end: DEFAULT_END }));
}

/** The default enrolment deadline: the day before day 1. */
export function defaultDeadline(firstDate: string): string {
  return addDays(firstDate, -1);
}

/** Who may schedule: trainers anywhere; coordinators in their countries; admins. */
export function canSchedule(user: SessionUser | undefined): boolean {
  return hasRole(user, 'trainer') || hasRole(user, 'coordinator') || hasRole(user, 'admin');
}

/** A zod issue as a field error with a key of the shared `errors:field.*` set (worded as describeIssue does). */
export function issueToFieldError(issue: z.core.$ZodIssue): FieldError {
  return { path: issue.path.map(String).join('.'), ...issueKey(issue) };
}

export function parseScheduleInput(input: unknown): z.output<typeof scheduleInputSchema> {
  // With the input in each issue: a wrong value and a missing one read differently.
  const result = scheduleInputSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ValidationError(result.error.issues.map(issueToFieldError), 'invalid session');
  return result.data;
}

const err = (path: string, name: string, values?: Record<string, string | number>): FieldError => ({
  path,
  key: `sessions:errors.${name}`,
  ...(values ? { values } : {}),
});

/**
 * The days as the session stores them, or field errors: each a calendar date, a time that
 * exists in the zone, ending after it starts, in order, one per date, never overlapping.
 */
export function resolveDays(days: SessionDayInput[], zone: string): { days: SessionDay[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (days.length < MIN_DAYS || days.length > MAX_DAYS) errors.push(err('days', 'days-count', { min: MIN_DAYS, max: MAX_DAYS }));
  const resolved: SessionDay[] = [];
  days.forEach((day, index) => {
    const at = `days.${index}`;
    if (!isCalendarDate(day.date)) return void errors.push(err(`${at}.date`, 'day-invalid-date'));
    const startsAt = localInstant(day.date, day.start, zone);
    const endsAt = localInstant(day.date, day.end, zone);
    if (!startsAt) errors.push(err(`${at}.start`, 'time-nonexistent', { time: day.start, date: day.date }));
    if (!endsAt) errors.push(err(`${at}.end`, 'time-nonexistent', { time: day.end, date: day.date }));
    if (!startsAt || !endsAt) return;
    if (endsAt.getTime() <= startsAt.getTime()) return void errors.push(err(`${at}.end`, 'day-ends-before-start'));
    const previous = resolved.at(-1);
    if (previous) {
      if (startsAt < previous.startsAt) errors.push(err(`${at}.date`, 'days-out-of-order'));
      else if (startsAt < previous.endsAt) errors.push(err(`${at}.start`, 'days-overlap', { day: resolved.length }));
      else if (day.date === previous.date) errors.push(err(`${at}.date`, 'day-repeated'));
    }
    resolved.push({ date: day.date, start: day.start, end: day.end, startsAt, endsAt });
  });
  return { days: resolved, errors };
}

const overlaps = (a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }) => a.startsAt < b.endsAt && b.startsAt < a.endsAt;

/** The first day of `other` overlapping any of `days`. */
function overlappingDay(days: SessionDay[], other: Pick<TrainingSessionDocument, 'days'>): SessionDay | undefined {
  return other.days.find((theirs) => days.some((ours) => overlaps(ours, theirs)));
}

/** Open sessions whose range meets [first, last): the candidates, then compared day by day. */
function inRange(days: SessionDay[]) {
  return {
    status: 'open' as const,
    firstStartsAt: mongoose.trusted({ $lt: days.at(-1)!.endsAt }),
    lastEndsAt: mongoose.trusted({ $gt: days[0]!.startsAt }),
  };
}

interface Booking {
  trainer: string;
  session: Pick<TrainingSessionDocument, '_id' | 'title'>;
  date: string;
}

/** For each trainer, the other open sessions they teach at an overlapping time. */
async function trainerBookings(trainers: mongoose.Types.ObjectId[], days: SessionDay[], except?: mongoose.Types.ObjectId): Promise<Booking[]> {
  const candidates = await TrainingSession.find({ ...inRange(days), trainers: mongoose.trusted({ $in: trainers }) })
    .select<Pick<TrainingSessionDocument, '_id' | 'title' | 'days' | 'trainers'>>({ title: 1, days: 1, trainers: 1 })
    .sort({ _id: 1 })
    .lean();
  const bookings: Booking[] = [];
  for (const other of candidates) {
    if (except && other._id.equals(except)) continue;
    const day = overlappingDay(days, other);
    if (!day) continue;
    for (const trainer of trainers) {
      if (other.trainers.some((id) => id.equals(trainer))) bookings.push({ trainer: String(trainer), session: other, date: day.date });
    }
  }
  return bookings;
}

function bookedError(bookings: Booking[], names: Map<string, string>): ConflictError {
  return new ConflictError(
    'a trainer is already booked at an overlapping time',
    'trainer-booked',
    bookings.map((booking) => ({
      path: 'trainers',
      key: 'sessions:errors.trainer-booked',
      values: { trainer: names.get(booking.trainer) ?? booking.trainer, session: booking.session.title, sessionId: String(booking.session._id), date: booking.date },
    })),
  );
}

/** Pins each course to the version asked (coordinators) or its latest published one. */
async function pinCourses(courses: z.output<typeof sessionCourseSchema>[], mayPin: boolean, errors: FieldError[], keep: SessionCourse[]): Promise<SessionCourse[]> {
  const pinned: SessionCourse[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of courses.entries()) {
    const { slug, version } = typeof entry === 'string' ? { slug: entry, version: undefined } : entry;
    const at = `courses.${index}`;
    if (seen.has(slug)) {
      errors.push(err(at, 'course-repeated', { course: slug }));
      continue;
    }
    seen.add(slug);
    const kept = keep.find((course) => course.slug === slug);
    // An edit keeps the pins it does not change: resending one is no choice of version.
    if (kept && (version === undefined || version === kept.version)) {
      pinned.push(kept);
      continue;
    }
    if (version !== undefined) {
      if (!mayPin) {
        errors.push(err(`${at}.version`, 'pin-coordinators-only'));
        continue;
      }
      const found = await CourseVersion.findOne({ course: slug, version, status: mongoose.trusted({ $in: ['published', 'archived'] }) }).lean();
      if (!found) errors.push(err(`${at}.version`, 'course-version-unknown', { course: slug, version }));
      else pinned.push({ slug, version });
      continue;
    }
    const latest = await latestPublished(slug);
    if (latest) pinned.push({ slug, version: latest.version });
    else if (await CourseVersion.exists({ course: slug })) errors.push(err(at, 'course-unpublished', { course: slug }));
    else errors.push(err(at, 'course-unknown', { course: slug }));
  }
  return pinned;
}

/**
 * The session's trainers: the creator first when they teach, then the co-trainers, each an
 * active account with the trainer (or coordinator) role. Their names, for messages.
 */
async function resolveTrainers(user: SessionUser, ids: string[], errors: FieldError[]) {
  const names = new Map<string, string>();
  const trainers: mongoose.Types.ObjectId[] = [];
  const teaches = hasRole(user, 'trainer');
  if (teaches) {
    trainers.push(new mongoose.Types.ObjectId(user.id));
    names.set(user.id, user.name);
  }
  const others = [...new Set(ids.map((id) => id.toLowerCase()))].filter((id) => id !== user.id.toLowerCase() || !teaches);
  const found = others.length
    ? await User.find({ _id: mongoose.trusted({ $in: others }) }).select({ name: 1, roles: 1, status: 1 }).lean()
    : [];
  for (const id of others) {
    const at = `trainers.${ids.findIndex((given) => given.toLowerCase() === id)}`;
    const account = found.find((candidate) => String(candidate._id) === id);
    if (!account || account.status !== 'active') errors.push(err(at, 'trainer-unknown'));
    else if (!account.roles.some((role) => role === 'trainer' || role === 'coordinator')) errors.push(err(at, 'trainer-not-trainer', { trainer: account.name }));
    else {
      trainers.push(account._id);
      names.set(id, account.name);
    }
  }
  if (trainers.length === 0 && !errors.some((error) => error.path.startsWith('trainers'))) errors.push(err('trainers', 'trainer-required'));
  return { trainers, names };
}

/** A session's fields, checked and resolved (zone, instants, pinned versions, trainers), ready to store. */
export type SessionFields = Omit<TrainingSessionDocument, '_id' | 'status' | 'seatsTaken' | 'waitlisted' | 'sequence' | 'createdBy' | 'createdAt' | 'updatedAt'>;

/**
 * Checks a whole session as given (creation, or an edit merged over the stored one) and
 * resolves it. 403 for anyone but trainers, coordinators (in their countries) and admins;
 * 400 with every field error at once; 409 `trainer-booked` naming the other session.
 * `keep` lists versions already pinned: an edit keeps them even for a trainer.
 */
export async function prepareSession(
  user: SessionUser | undefined,
  rawInput: unknown,
  now: Date,
  options: { except?: mongoose.Types.ObjectId; keep?: SessionCourse[] } = {},
): Promise<{ fields: SessionFields; names: Map<string, string> }> {
  if (!user || !canSchedule(user)) throw new ForbiddenError('only trainers, coordinators and administrators schedule sessions');
  const input = parseScheduleInput(rawInput);
  const errors: FieldError[] = [];

  const city = await findCity(input.city);
  if (!city) throw new ValidationError([err('city', 'city-unknown')], 'no such city');
  // Coordinators schedule in their countries; one who also teaches may schedule elsewhere as a trainer.
  if (!hasRole(user, 'admin') && !hasRole(user, 'trainer') && !inScope(user, city.country)) {
    throw new ForbiddenError('this city is outside the countries you coordinate', 'out-of-scope');
  }
  const privileged = runsProgramme(user, city.country);

  let zone: string | undefined;
  if (input.timezone !== undefined && input.timezone !== '') {
    zone = canonicalTimeZone(input.timezone);
    if (!zone) errors.push(err('timezone', 'timezone-invalid'));
  } else {
    zone = defaultTimeZone(city.country);
    if (!zone) errors.push(err('timezone', 'timezone-required'));
  }

  // Without a valid zone, the days are still checked in UTC for what does not depend on it.
  const { days, errors: dayErrors } = resolveDays(input.days, zone ?? 'UTC');
  errors.push(...dayErrors);
  const first = days[0];

  let deadlineDate: string | undefined;
  if (input.enrolmentDeadline !== undefined) {
    if (!isCalendarDate(input.enrolmentDeadline)) errors.push(err('enrolmentDeadline', 'deadline-invalid-date'));
    else if (input.days[0] && isCalendarDate(input.days[0].date) && input.enrolmentDeadline >= input.days[0].date) {
      errors.push(err('enrolmentDeadline', 'deadline-after-start'));
    } else deadlineDate = input.enrolmentDeadline;
  } else if (first) deadlineDate = defaultDeadline(first.date);

  if (first && dayErrors.length === 0 && !privileged && first.startsAt < now) errors.push(err('days.0.date', 'day-in-past'));

  const courses = await pinCourses(input.courses, privileged, errors, options.keep ?? []);
  const { trainers, names } = await resolveTrainers(user, input.trainers ?? [], errors);
  if (errors.length > 0 || !zone || !first || !deadlineDate) throw new ValidationError(errors, 'invalid session');

  const booked = await trainerBookings(trainers, days, options.except);
  if (booked.length > 0) throw bookedError(booked, names);

  return {
    names,
    fields: {
      title: input.title,
      courses,
      language: input.language,
      city: city._id,
      country: city.country,
      venue: { name: input.venue.name, address: input.venue.address, nameKey: venueKey(input.venue.name) },
      timezone: zone,
      days,
      capacity: input.capacity,
      enrolmentDeadlineDate: deadlineDate,
      enrolmentDeadline: endOfLocalDay(deadlineDate, zone)!,
      trainers,
      trainerNames: Object.fromEntries(trainers.map((id) => [String(id), names.get(String(id)) ?? ''])),
      firstStartsAt: first.startsAt,
      lastEndsAt: days.at(-1)!.endsAt,
    },
  };
}

/** Other open sessions at the same venue (same city, same folded name) on an overlapping day. */
export async function venueWarnings(fields: Pick<SessionFields, 'days' | 'city' | 'venue'>, self: mongoose.Types.ObjectId): Promise<ScheduleWarning[]> {
  const busy = await TrainingSession.find({ ...inRange(fields.days), city: fields.city, 'venue.nameKey': fields.venue.nameKey })
    .select<Pick<TrainingSessionDocument, '_id' | 'title' | 'days'>>({ title: 1, days: 1 })
    .sort({ firstStartsAt: 1 })
    .lean();
  return busy
    .filter((other) => !other._id.equals(self) && overlappingDay(fields.days, other))
    .map((other) => ({ code: 'venue-busy', session: { id: String(other._id), title: other.title } }));
}

/** Trainers booked elsewhere by a session that raced this one and got there first (lower id). */
export async function racedBookings(fields: Pick<SessionFields, 'trainers' | 'days'>, self: mongoose.Types.ObjectId, names: Map<string, string>): Promise<ConflictError | undefined> {
  const raced = (await trainerBookings(fields.trainers, fields.days, self)).filter((booking) => String(booking.session._id) < String(self));
  return raced.length > 0 ? bookedError(raced, names) : undefined;
}

/**
 * Schedules a session (see prepareSession for the rules). The same venue busy at an
 * overlapping time is only a warning.
 */
export async function scheduleSession(user: SessionUser | undefined, rawInput: unknown, now: Date = new Date()): Promise<ScheduleResult> {
  const { fields, names } = await prepareSession(user, rawInput, now);
  const created = await TrainingSession.create({
    ...fields,
    status: 'open',
    seatsTaken: 0,
    waitlisted: 0,
    sequence: 0,
    createdBy: new mongoose.Types.ObjectId(user!.id),
  });

  // Two bookings racing each other both passed the check: the later id withdraws.
  const raced = await racedBookings(fields, created._id, names);
  if (raced) {
    await TrainingSession.deleteOne({ _id: created._id });
    throw raced;
  }
  return { session: created.toObject(), warnings: await venueWarnings(fields, created._id) };
}
