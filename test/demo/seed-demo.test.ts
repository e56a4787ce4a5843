import mongoose from 'mongoose';
import { User } from '../../src/accounts/model';
import { Attendance, AttendanceChange, TrainedPerson } from '../../src/attendance/model';
import { recountEveryone } from '../../src/attendance/recount-job';
import { recountPerson } from '../../src/attendance/trained';
import { generateDemo } from '../../src/demo/generate';
import { type DemoReport, parseDemoArgs, removeDemoRun, seedDemo } from '../../src/demo/seed';
import { Enrolment, SeatClaim, WaitClaim } from '../../src/enrolment/model';
import { TrainingSession } from '../../src/sessions/model';
import { useTestDatabase } from '../support/database';

useTestDatabase(__filename);
jest.setTimeout(120_000);

// A fixed clock: the run is the same data every time.
const NOW = new Date('2026-03-11T10:00:00Z');
const ARGS = { stakeholders: 60, sessions: 6, run: 'jest' };
const domain = /@demo-jest\.example$/;

const key = (session: unknown, user: unknown) => `${String(session)}:${String(user)}`;
/** A TrainedPerson as comparable data, without the time it was written. */
const comparable = (doc: Record<string, unknown>) => {
  const { updatedAt: _updatedAt, ...rest } = doc;
  return JSON.parse(JSON.stringify(rest)) as unknown;
};

async function runIds() {
  const users = await User.find({ email: mongoose.trusted({ $regex: domain.source }) }).lean();
  const sessions = await TrainingSession.find({ createdBy: mongoose.trusted({ $in: users.map((user) => user._id) }) }).lean();
  return { users, sessions, sessionIds: sessions.map((session) => session._id) };
}

async function databaseCounts() {
  const { users, sessionIds } = await runIds();
  const inSessions = { session: mongoose.trusted({ $in: sessionIds }) };
  return {
    users: users.length,
    sessions: sessionIds.length,
    enrolments: await Enrolment.countDocuments(inSessions),
    seatClaims: await SeatClaim.countDocuments(inSessions),
    waitClaims: await WaitClaim.countDocuments(inSessions),
    attendance: await Attendance.countDocuments(inSessions),
    changes: await AttendanceChange.countDocuments(inSessions),
    trained: await TrainedPerson.countDocuments({ _id: mongoose.trusted({ $in: users.map((user) => user._id) }), trained: true }),
  };
}

describe('demo data', () => {
  let first: DemoReport;

  test('the options: defaults, values, and mistakes refused', () => {
    expect(parseDemoArgs([])).toEqual({ stakeholders: 2000, sessions: 120, run: 'demo' });
    expect(parseDemoArgs(['--stakeholders', '60', '--sessions=6', '--run', 'b-2', '--seed', 'x'])).toEqual({ stakeholders: 60, sessions: 6, run: 'b-2', seed: 'x' });
    expect(() => parseDemoArgs(['--stakeholders', '0'])).toThrow(/whole number/);
    expect(() => parseDemoArgs(['--run', 'Evil.com'])).toThrow(/--run/);
    expect(() => parseDemoArgs(['--people', '3'])).toThrow(/unknown option/);
  });

  test('the generator is pure: the same run id and day give the same data', () => {
    const courses = [
      { slug: 'awareness', version: '1.0.0', title: 'Awareness' },
      { slug: 'schools', version: '1.2.0', title: 'Schools' },
    ];
    const a = generateDemo({ ...ARGS, now: NOW, courses });
    const b = generateDemo({ ...ARGS, now: NOW, courses });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const other = generateDemo({ ...ARGS, run: 'other', now: NOW, courses });
    expect(other.users[0]!.email).not.toBe(a.users[0]!.email);
    for (const user of a.users) expect(user.email).toMatch(/^[a-z]+(\.[a-z]+)?\.[a-z]+\.\d+@demo-jest\.example$/);
  });

  test('a small run creates consistent data', async () => {
    first = await seedDemo(ARGS, NOW);
    expect(first.counts.users).toBe(60);
    expect(first.counts.sessions).toBeGreaterThanOrEqual(5);

    const { users, sessions } = await runIds();
    expect(users).toHaveLength(first.counts.users + first.counts.trainers);
    for (const user of users) {
      await expect(new User(user).validate()).resolves.toBeUndefined();
      expect(user.status).toBe('active');
      expect(user.emailVerifiedAt).toBeInstanceOf(Date);
    }

    const sessionIds = sessions.map((session) => session._id);
    const inSessions = { session: mongoose.trusted({ $in: sessionIds }) };
    const [enrolments, seats, waits, attendance, changes] = await Promise.all([
      Enrolment.find(inSessions).lean(),
      SeatClaim.find(inSessions).lean(),
      WaitClaim.find(inSessions).lean(),
      Attendance.find(inSessions).lean(),
      AttendanceChange.find(inSessions).lean(),
    ]);

    // Seat claims are exactly the enrolled people, on the seat their enrolment says; waiting likewise.
    const enrolled = enrolments.filter((enrolment) => enrolment.status === 'enrolled');
    expect(seats.map((seat) => `${key(seat.session, seat.user)}:${seat.seat}`).sort()).toEqual(enrolled.map((e) => `${key(e.session, e.user)}:${e.seat}`).sort());
    for (const seat of seats) expect(seat._id).toBe(`${String(seat.session)}:${seat.seat}`);
    const waiting = enrolments.filter((enrolment) => enrolment.status === 'waitlisted');
    expect(waits.map((wait) => `${key(wait.session, wait.user)}:${wait.n}`).sort()).toEqual(waiting.map((e) => `${key(e.session, e.user)}:${e.waitTicket}`).sort());

    const enrolledKeys = new Set(enrolled.map((enrolment) => key(enrolment.session, enrolment.user)));
    for (const session of sessions) {
      await expect(new TrainingSession(session).validate()).resolves.toBeUndefined();
      const taken = seats.filter((seat) => seat.session.equals(session._id));
      expect(taken.length).toBeLessThanOrEqual(session.capacity);
      expect(taken.every((seat) => seat.seat >= 1 && seat.seat <= session.capacity)).toBe(true);
      expect(session.seatsTaken).toBe(taken.length);
      expect(session.waitlisted).toBe(waits.filter((wait) => wait.session.equals(session._id)).length);
      // Nobody waits while a seat is free.
      if (session.waitlisted > 0) expect(session.seatsTaken).toBe(session.capacity);
      const records = attendance.filter((record) => record.session.equals(session._id));
      if (session.lastEndsAt < NOW) {
        // Past: a record for every enrolled person on every day.
        expect(records).toHaveLength(taken.length * session.days.length);
      } else expect(records).toHaveLength(0);
    }

    // Every attendance record belongs to an enrolled person, with its id and date, and a trail ending in its status.
    const trail = new Map<string, typeof changes>();
    for (const change of changes) trail.set(change.attendance, [...(trail.get(change.attendance) ?? []), change]);
    for (const record of attendance) {
      expect(enrolledKeys.has(key(record.session, record.user))).toBe(true);
      expect(record._id).toBe(`${String(record.session)}:${record.day}:${String(record.user)}`);
      const session = sessions.find((candidate) => candidate._id.equals(record.session))!;
      expect(record.date).toBe(session.days[record.day]!.date);
      const steps = (trail.get(record._id) ?? []).sort((a, b) => a.at.getTime() - b.at.getTime());
      expect(steps[0]?.from).toBeNull();
      expect(steps.at(-1)?.to).toBe(record.status);
    }
    expect(changes.length).toBeGreaterThanOrEqual(attendance.length);
    expect(new Set(attendance.map((record) => record.status))).toEqual(new Set(['present', 'late', 'excused', 'absent']));
    expect(first.counts.attendance).toBe(attendance.length);
  });

  test('who is trained is what recountPerson finds, for a sample and for everyone', async () => {
    const stored = new Map((await TrainedPerson.find().lean()).map((doc) => [String(doc._id), comparable(doc as unknown as Record<string, unknown>)]));
    expect(stored.size).toBe(first.counts.attended);
    const share = first.counts.trained / first.counts.attended;
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.95);

    const sample = [...stored.keys()].slice(0, 8);
    for (const id of sample) await recountPerson(id);
    for (const id of sample) expect(comparable((await TrainedPerson.findById(id).lean()) as unknown as Record<string, unknown>)).toEqual(stored.get(id));

    // And the whole population, recounted one by one.
    expect(await recountEveryone()).toBe(stored.size);
    const recounted = await TrainedPerson.find().lean();
    expect(recounted).toHaveLength(stored.size);
    for (const doc of recounted) expect(comparable(doc as unknown as Record<string, unknown>)).toEqual(stored.get(String(doc._id)));
  });

  test('a second run with the same id replaces the first: the same counts; another run id stays apart', async () => {
    const before = await databaseCounts();
    const other = await seedDemo({ stakeholders: 10, sessions: 2, run: 'jest-other' }, NOW);
    const second = await seedDemo(ARGS, NOW);
    expect(second.counts).toEqual(first.counts);
    expect(second.removed.users).toBe(first.counts.users + first.counts.trainers);
    expect(second.removed.sessions).toBe(first.counts.sessions);
    expect(await databaseCounts()).toEqual(before);

    // The other run is still there, and goes alone.
    expect(await User.countDocuments({ email: mongoose.trusted({ $regex: 'demo-jest-other\\.example$' }) })).toBe(other.counts.users + other.counts.trainers);
    const removed = await removeDemoRun('jest-other');
    expect(removed.users).toBe(other.counts.users + other.counts.trainers);
    expect(await databaseCounts()).toEqual(before);
  });
});
