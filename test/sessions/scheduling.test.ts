/**
 * Scheduling training sessions (issue 5, points 1–2): defaults, instants in the session's
 * zone (daylight saving included), validation by field, who may schedule what and when, and
 * double booking of trainers and venues. Against the real database, no mocks.
 */
import { User } from '../../src/accounts/model';
import type { SessionUser } from '../../src/accounts/session-user';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion } from '../../src/courses/model';
import { AppError, type FieldError } from '../../src/http/errors';
import { seedReferenceData } from '../../src/reference/seed';
import { TrainingSession } from '../../src/sessions/model';
import { defaultDays, type ScheduleInput, scheduleSession } from '../../src/sessions/schedule';
import { defaultTimeZone, isValidTimeZone } from '../../src/sessions/time-zones';
import { actor, refusal } from '../support/course-authors';
import { useTestDatabase } from '../support/database';

useTestDatabase(__filename);

/** "Now" for every test: sessions from May 2027 on are in the future. */
const NOW = new Date('2027-01-15T10:00:00Z');

let serial = 0;
/** An account in the database, as its session would see it. */
async function person(roles: SessionUser['roles'], fields: { scopeCountries?: string[]; status?: 'active' | 'disabled' } = {}): Promise<SessionUser> {
  serial += 1;
  const created = await User.create({ email: `person-${serial}@example.org`, name: `Person ${serial}`, passwordHash: 'not used', roles, emailVerifiedAt: new Date(), ...fields });
  return { ...actor(roles), id: String(created._id), name: created.name, email: created.email, scopeCountries: fields.scopeCountries ?? [] };
}

function input(overrides: Partial<ScheduleInput> = {}): ScheduleInput {
  return {
    title: 'Awareness in Lisbon',
    courses: ['awareness'],
    language: 'pt',
    city: 'pt-setubal',
    venue: { name: 'Casa da Cultura', address: 'Largo José Afonso, Setúbal' },
    days: defaultDays('2027-05-10'),
    capacity: 20,
    ...overrides,
  };
}

/** The field errors (path and key) a promise is refused with. */
async function fieldErrors(promise: Promise<unknown>): Promise<Array<Pick<FieldError, 'path' | 'key'>>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError && error.fieldErrors) return error.fieldErrors.map(({ path, key }) => ({ path, key }));
    throw error;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  await seedReferenceData();
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
  expect((await importModules()).problems).toEqual([]);
});

beforeEach(async () => {
  await TrainingSession.deleteMany({});
});

describe('defaults', () => {
  it('two days 09:00–17:00, the deadline the day before, the zone of the country, courses pinned to their latest published version', async () => {
    const trainer = actor(['trainer']);
    const { session, warnings } = await scheduleSession(trainer, input({ courses: ['awareness', 'schools'] }), NOW);
    expect(warnings).toEqual([]);
    expect(session.days.map(({ date, start, end }) => ({ date, start, end }))).toEqual([
      { date: '2027-05-10', start: '09:00', end: '17:00' },
      { date: '2027-05-11', start: '09:00', end: '17:00' },
    ]);
    expect(session.timezone).toBe('Europe/Lisbon');
    expect(session.country).toBe('PT');
    expect(session.courses).toEqual([
      { slug: 'awareness', version: '1.1.0' },
      { slug: 'schools', version: '1.0.0' },
    ]);
    expect(session.enrolmentDeadlineDate).toBe('2027-05-09');
    // The end of 9 May in Lisbon (summer time, UTC+1).
    expect(session.enrolmentDeadline.toISOString()).toBe('2027-05-09T22:59:59.999Z');
    expect(session.trainers.map(String)).toEqual([trainer.id]);
    expect(session).toMatchObject({ status: 'open', seatsTaken: 0, waitlisted: 0, sequence: 0, capacity: 20 });
    expect(session.firstStartsAt.toISOString()).toBe('2027-05-10T08:00:00.000Z');
    expect(session.lastEndsAt.toISOString()).toBe('2027-05-11T16:00:00.000Z');
    expect(await TrainingSession.countDocuments()).toBe(1);
  });

  it('knows a zone for every partner country and validates zones with the tz database', async () => {
    for (const code of ['BE', 'CZ', 'DE', 'ES', 'FR', 'GB', 'GR', 'IT', 'NL', 'PT', 'SE']) expect(isValidTimeZone(defaultTimeZone(code))).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('+01:00')).toBe(false);
  });
});

describe('instants', () => {
  it('the same wall-clock time is a different instant in Lisbon and in Athens', async () => {
    const lisbon = await scheduleSession(actor(['trainer']), input(), NOW);
    const athens = await scheduleSession(actor(['trainer']), input({ city: 'gr-alexandroupoli', language: 'el', title: 'Awareness in Greece' }), NOW);
    expect(athens.session.timezone).toBe('Europe/Athens');
    expect(lisbon.session.days[0]!.startsAt.toISOString()).toBe('2027-05-10T08:00:00.000Z');
    expect(athens.session.days[0]!.startsAt.toISOString()).toBe('2027-05-10T06:00:00.000Z');
  });

  it('follows the March switch to summer time, also within a day', async () => {
    // Paris switches on Sunday 28 March 2027 at 02:00 (01:00 UTC).
    const { session } = await scheduleSession(
      actor(['trainer']),
      input({
        city: 'fr-paris',
        language: 'fr',
        days: [
          { date: '2027-03-27', start: '09:00', end: '17:00' },
          { date: '2027-03-28', start: '01:00', end: '05:00' },
        ],
      }),
      NOW,
    );
    expect(session.timezone).toBe('Europe/Paris');
    expect(session.days[0]!.startsAt.toISOString()).toBe('2027-03-27T08:00:00.000Z');
    expect(session.days[1]!.startsAt.toISOString()).toBe('2027-03-28T00:00:00.000Z');
    expect(session.days[1]!.endsAt.toISOString()).toBe('2027-03-28T03:00:00.000Z');
  });

  it('refuses a time skipped by the switch', async () => {
    const days = [{ date: '2027-03-28', start: '02:30', end: '17:00' }];
    expect(await fieldErrors(scheduleSession(actor(['trainer']), input({ city: 'fr-paris', days }), NOW))).toEqual([{ path: 'days.0.start', key: 'sessions:errors.time-nonexistent' }]);
  });

  it('takes a zone other than the default', async () => {
    const { session } = await scheduleSession(actor(['trainer']), input({ timezone: 'atlantic/azores' }), NOW);
    expect(session.timezone).toBe('Atlantic/Azores');
    expect(session.days[0]!.startsAt.toISOString()).toBe('2027-05-10T09:00:00.000Z');
  });
});

describe('validation, by field', () => {
  const trainer = actor(['trainer']);
  const refused = async (overrides: Partial<ScheduleInput>) => fieldErrors(scheduleSession(trainer, input(overrides), NOW));

  it('a day ending before it starts', async () => {
    expect(await refused({ days: [{ date: '2027-05-10', start: '17:00', end: '09:00' }] })).toEqual([{ path: 'days.0.end', key: 'sessions:errors.day-ends-before-start' }]);
  });

  it('overlapping days, days out of order, a day given twice, not a calendar date', async () => {
    expect(
      await refused({
        days: [
          { date: '2027-05-10', start: '09:00', end: '17:00' },
          { date: '2027-05-10', start: '16:00', end: '18:00' },
        ],
      }),
    ).toEqual([{ path: 'days.1.start', key: 'sessions:errors.days-overlap' }]);
    expect(
      await refused({
        days: [
          { date: '2027-05-11', start: '09:00', end: '17:00' },
          { date: '2027-05-10', start: '09:00', end: '17:00' },
        ],
      }),
    ).toEqual([{ path: 'days.1.date', key: 'sessions:errors.days-out-of-order' }]);
    expect(
      await refused({
        days: [
          { date: '2027-05-10', start: '09:00', end: '12:00' },
          { date: '2027-05-10', start: '13:00', end: '17:00' },
        ],
      }),
    ).toEqual([{ path: 'days.1.date', key: 'sessions:errors.day-repeated' }]);
    expect(await refused({ days: [{ date: '2027-02-30', start: '09:00', end: '17:00' }] })).toEqual([{ path: 'days.0.date', key: 'sessions:errors.day-invalid-date' }]);
  });

  it('six days, or none', async () => {
    const six = ['10', '11', '12', '13', '14', '15'].map((day) => ({ date: `2027-05-${day}`, start: '09:00', end: '17:00' }));
    expect(await refused({ days: six })).toEqual([{ path: 'days', key: 'sessions:errors.days-count' }]);
    expect(await refused({ days: [] })).toEqual([{ path: 'days', key: 'sessions:errors.days-count' }]);
    // Five are fine.
    await expect(scheduleSession(trainer, input({ days: six.slice(0, 5) }), NOW)).resolves.toBeDefined();
  });

  it('a deadline on or after day 1', async () => {
    expect(await refused({ enrolmentDeadline: '2027-05-12' })).toEqual([{ path: 'enrolmentDeadline', key: 'sessions:errors.deadline-after-start' }]);
    expect(await refused({ enrolmentDeadline: '2027-05-10' })).toEqual([{ path: 'enrolmentDeadline', key: 'sessions:errors.deadline-after-start' }]);
    const { session } = await scheduleSession(trainer, input({ enrolmentDeadline: '2027-05-01' }), NOW);
    expect(session.enrolmentDeadline.toISOString()).toBe('2027-05-01T22:59:59.999Z');
  });

  it('a bad zone, an unknown city, an unknown or repeated course', async () => {
    expect(await refused({ timezone: 'Mars/Olympus' })).toEqual([{ path: 'timezone', key: 'sessions:errors.timezone-invalid' }]);
    expect(await refused({ city: 'xx-atlantis' })).toEqual([{ path: 'city', key: 'sessions:errors.city-unknown' }]);
    expect(await refused({ courses: ['awareness', 'no-such-course'] })).toEqual([{ path: 'courses.1', key: 'sessions:errors.course-unknown' }]);
    expect(await refused({ courses: ['awareness', 'awareness'] })).toEqual([{ path: 'courses.1', key: 'sessions:errors.course-repeated' }]);
  });

  it('a capacity of 0 or 501, or not a whole number', async () => {
    expect(await refused({ capacity: 0 })).toEqual([{ path: 'capacity', key: 'errors:field.too-small' }]);
    expect(await refused({ capacity: 501 })).toEqual([{ path: 'capacity', key: 'errors:field.too-big' }]);
    expect(await refused({ capacity: 2.5 })).toEqual([{ path: 'capacity', key: 'errors:field.invalid' }]);
    await expect(scheduleSession(trainer, input({ capacity: 500 }), NOW)).resolves.toBeDefined();
  });

  it('gives every problem at once, and writes nothing', async () => {
    const errors = await refused({ title: 'A', capacity: 0, language: 'xx' as never });
    expect(errors.map((error) => error.path).sort()).toEqual(['capacity', 'language', 'title']);
    expect(await TrainingSession.countDocuments()).toBe(0);
  });
});

describe('who may schedule what', () => {
  it('a trainer may not schedule in the past; a coordinator may, to enter training already held', async () => {
    const past = input({ days: defaultDays('2026-11-02') });
    expect(await fieldErrors(scheduleSession(actor(['trainer']), past, NOW))).toEqual([{ path: 'days.0.date', key: 'sessions:errors.day-in-past' }]);
    const trainer = await person(['trainer']);
    const { session } = await scheduleSession(actor(['coordinator']), { ...past, trainers: [trainer.id] }, NOW);
    expect(session.trainers.map(String)).toEqual([trainer.id]);
  });

  it('only coordinators choose a pinned version', async () => {
    const pinned = input({ courses: [{ slug: 'awareness', version: '1.0.0' }] });
    expect(await fieldErrors(scheduleSession(actor(['trainer']), pinned, NOW))).toEqual([{ path: 'courses.0.version', key: 'sessions:errors.pin-coordinators-only' }]);
    const teaching = actor(['coordinator', 'trainer']);
    expect((await scheduleSession(teaching, pinned, NOW)).session.courses).toEqual([{ slug: 'awareness', version: '1.0.0' }]);
    const missing = input({ courses: [{ slug: 'awareness', version: '9.9.9' }], days: defaultDays('2027-06-01') });
    expect(await fieldErrors(scheduleSession(teaching, missing, NOW))).toEqual([{ path: 'courses.0.version', key: 'sessions:errors.course-version-unknown' }]);
  });

  it('co-trainers are active trainers or coordinators; someone must teach', async () => {
    const trainer = actor(['trainer']);
    const colleague = await person(['trainer']);
    const learner = await person(['stakeholder']);
    const gone = await person(['trainer'], { status: 'disabled' });
    const { session } = await scheduleSession(trainer, input({ trainers: [colleague.id, trainer.id] }), NOW);
    expect(session.trainers.map(String)).toEqual([trainer.id, colleague.id]);
    expect(await fieldErrors(scheduleSession(trainer, input({ trainers: [learner.id, gone.id, '0123456789abcdef01234567'] }), NOW))).toEqual([
      { path: 'trainers.0', key: 'sessions:errors.trainer-not-trainer' },
      { path: 'trainers.1', key: 'sessions:errors.trainer-unknown' },
      { path: 'trainers.2', key: 'sessions:errors.trainer-unknown' },
    ]);
    expect(await fieldErrors(scheduleSession(actor(['coordinator']), input(), NOW))).toEqual([{ path: 'trainers', key: 'sessions:errors.trainer-required' }]);
  });

  it('a coordinator out of their countries is refused; in them, allowed', async () => {
    const trainer = await person(['trainer']);
    const french = { ...actor(['coordinator']), scopeCountries: ['FR'] };
    expect(await refusal(scheduleSession(french, input({ trainers: [trainer.id] }), NOW))).toEqual({ status: 403, code: 'out-of-scope' });
    await expect(scheduleSession(french, input({ city: 'fr-paris', trainers: [trainer.id] }), NOW)).resolves.toBeDefined();
  });

  it('stakeholders, disabled accounts and anonymous callers are refused', async () => {
    expect(await refusal(scheduleSession(actor(['stakeholder']), input(), NOW))).toEqual({ status: 403, code: 'forbidden' });
    expect(await refusal(scheduleSession({ ...actor(['trainer']), status: 'disabled' }, input(), NOW))).toEqual({ status: 403, code: 'forbidden' });
    expect(await refusal(scheduleSession(undefined, input(), NOW))).toEqual({ status: 403, code: 'forbidden' });
    expect(await TrainingSession.countDocuments()).toBe(0);
  });
});

describe('double booking', () => {
  it('refuses a trainer already booked at an overlapping time, naming the other session', async () => {
    const colleague = await person(['trainer']);
    const first = await scheduleSession(actor(['trainer']), input({ title: 'Schools in Setúbal', trainers: [colleague.id] }), NOW);
    // The colleague, in Paris on the second day of the Setúbal session (09:00 Paris is 07:00 UTC, Setúbal runs 08:00–16:00 UTC).
    const clash = scheduleSession(colleague, input({ city: 'fr-paris', venue: { name: 'Mairie', address: 'Paris' }, days: defaultDays('2027-05-11') }), NOW);
    await expect(clash).rejects.toMatchObject({
      status: 409,
      code: 'trainer-booked',
      fieldErrors: [
        {
          path: 'trainers',
          key: 'sessions:errors.trainer-booked',
          values: { trainer: colleague.name, session: 'Schools in Setúbal', sessionId: String(first.session._id), date: '2027-05-11' },
        },
      ],
    });
    expect(await TrainingSession.countDocuments()).toBe(1);
  });

  it('lets the same trainer teach back to back, and elsewhere once the other session is cancelled', async () => {
    const trainer = actor(['trainer']);
    const { session } = await scheduleSession(trainer, input(), NOW);
    await expect(scheduleSession(trainer, input({ days: defaultDays('2027-05-12') }), NOW)).resolves.toBeDefined();
    // Lisbon 17:00 is 16:00 UTC; Athens 19:00 is 16:00 UTC: touching, not overlapping.
    await expect(scheduleSession(trainer, input({ city: 'gr-alexandroupoli', days: [{ date: '2027-05-11', start: '19:00', end: '21:00' }] }), NOW)).resolves.toBeDefined();
    expect(await refusal(scheduleSession(trainer, input({ days: defaultDays('2027-05-09') }), NOW))).toEqual({ status: 409, code: 'trainer-booked' });
    await TrainingSession.updateOne({ _id: session._id }, { $set: { status: 'cancelled' } });
    await expect(scheduleSession(trainer, input({ days: defaultDays('2027-05-09') }), NOW)).resolves.toBeDefined();
  });

  it('of two bookings racing for one trainer, exactly one stays', async () => {
    const trainer = actor(['trainer']);
    const results = await Promise.allSettled([
      scheduleSession(trainer, input({ title: 'One' }), NOW),
      scheduleSession(trainer, input({ title: 'Two', days: defaultDays('2027-05-11') }), NOW),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(await TrainingSession.countDocuments()).toBe(1);
  });

  it('the same venue at an overlapping time only warns, and the session is saved', async () => {
    const { session: first } = await scheduleSession(actor(['trainer']), input({ title: 'First' }), NOW);
    const { session, warnings } = await scheduleSession(actor(['trainer']), input({ title: 'Second', venue: { name: '  casa da  CULTURA ', address: 'Setúbal' }, days: defaultDays('2027-05-11') }), NOW);
    expect(warnings).toEqual([{ code: 'venue-busy', session: { id: String(first._id), title: 'First' } }]);
    expect(session.venue.name).toBe('casa da  CULTURA');
    expect(await TrainingSession.countDocuments()).toBe(2);
    // Another city's venue of the same name is another venue.
    const elsewhere = await scheduleSession(actor(['trainer']), input({ city: 'pt-setubal', venue: { name: 'Other hall', address: 'Setúbal' } }), NOW);
    expect(elsewhere.warnings).toEqual([]);
  });
});
