/**
 * Enrolment (issue 5, point 5) as a service, against the real database: capacity under
 * concurrency, the waiting list and its promotions, and who may enrol and cancel whom.
 */
import mongoose from 'mongoose';
import { User } from '../../src/accounts/model';
import { type SessionUser, toSessionUser } from '../../src/accounts/session-user';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion } from '../../src/courses/model';
import { Enrolment, SeatClaim, WaitClaim } from '../../src/enrolment/model';
import { enrolAlone } from '../../src/enrolment/queue';
import { cancelEnrolment, enrol, fillFreeSeats, listEnrolments, myEnrolments, seatsTaken } from '../../src/enrolment/service';
import { seedReferenceData } from '../../src/reference/seed';
import { TrainingSession, type TrainingSessionDocument } from '../../src/sessions/model';
import { defaultDays, type ScheduleInput, scheduleSession } from '../../src/sessions/schedule';
import { refusal } from '../support/course-authors';
import { useTestDatabase } from '../support/database';

useTestDatabase(__filename);

/** "Now": sessions from May 2027 on are in the future, their deadlines too. */
const NOW = new Date('2027-01-15T10:00:00Z');

let serial = 0;

interface PersonFields {
  scopeCountries?: string[];
  verified?: boolean;
  organisationName?: string;
}

/** An account in the database, as its session would see it. */
async function person(roles: SessionUser['roles'] = ['stakeholder'], fields: PersonFields = {}): Promise<SessionUser> {
  serial += 1;
  const created = await User.create({
    email: `person-${serial}@example.org`,
    name: `Person ${serial}`,
    passwordHash: 'not used',
    roles,
    scopeCountries: fields.scopeCountries ?? [],
    ...(fields.verified === false ? {} : { emailVerifiedAt: new Date() }),
    ...(fields.organisationName ? { organisationName: fields.organisationName } : {}),
  });
  return toSessionUser(created);
}

/** Many stakeholders at once. */
async function people(count: number): Promise<SessionUser[]> {
  const docs = Array.from({ length: count }, () => {
    serial += 1;
    return { email: `person-${serial}@example.org`, name: `Person ${serial}`, passwordHash: 'not used', roles: ['stakeholder' as const], emailVerifiedAt: new Date() };
  });
  const created = await User.insertMany(docs);
  return created.map((doc) => toSessionUser(doc.toObject()));
}

let day = 0;
/** A session in Setúbal (PT) taught by a fresh trainer, on its own days so trainers never clash. */
async function session(capacity: number, overrides: Partial<ScheduleInput> = {}): Promise<{ session: TrainingSessionDocument; trainer: SessionUser; id: string }> {
  const trainer = await person(['trainer']);
  day += 1;
  const date = `2027-06-${String(day).padStart(2, '0')}`;
  const { session: created } = await scheduleSession(
    trainer,
    {
      title: 'Awareness in Setúbal',
      courses: ['awareness'],
      language: 'pt',
      city: 'pt-setubal',
      venue: { name: `Casa da Cultura ${day}`, address: 'Largo José Afonso, Setúbal' },
      days: defaultDays(date),
      capacity,
      ...overrides,
    },
    NOW,
  );
  return { session: created, trainer, id: String(created._id) };
}

/** What the database holds for a session: claims, records and the display counters. */
async function stateOf(id: string) {
  const sessionId = new mongoose.Types.ObjectId(id);
  const [seats, tickets, enrolled, waitlisted, stored] = await Promise.all([
    SeatClaim.find({ session: sessionId }).lean(),
    WaitClaim.find({ session: sessionId }).sort({ n: 1 }).lean(),
    Enrolment.find({ session: sessionId, status: 'enrolled' }).lean(),
    Enrolment.find({ session: sessionId, status: 'waitlisted' }).lean(),
    TrainingSession.findById(id).lean(),
  ]);
  return {
    seatHolders: seats.map((seat) => String(seat.user)),
    seatNumbers: seats.map((seat) => seat.seat).sort((a, b) => a - b),
    waiting: tickets.map((ticket) => String(ticket.user)),
    enrolled: enrolled.map((enrolment) => String(enrolment.user)),
    waitlisted: waitlisted.map((enrolment) => String(enrolment.user)),
    counters: { seatsTaken: stored!.seatsTaken, waitlisted: stored!.waitlisted },
  };
}

const sorted = (ids: string[]) => [...ids].sort();
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

beforeAll(async () => {
  await seedReferenceData();
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
  expect((await importModules()).problems).toEqual([]);
});

describe('capacity under concurrency', () => {
  it('rests on unique indexes: one seat per person, one person per waiting place', async () => {
    await enrol(await person(), (await session(1)).id, undefined, NOW);
    for (const model of [SeatClaim, WaitClaim, Enrolment]) {
      const indexes = await model.collection.indexes();
      expect(indexes.find((index) => index.key.session === 1 && index.key.user === 1)).toMatchObject({ unique: true });
    }
  });

  it('60 people enrolling at once into 20 seats: exactly 20 enrolled, 40 waiting at positions 1..40', async () => {
    const { id, trainer } = await session(20);
    const crowd = await people(60);
    const results = await Promise.all(crowd.map((user) => enrol(user, id, undefined, NOW)));

    expect(results.filter((result) => result.status === 'enrolled')).toHaveLength(20);
    const waiting = results.filter((result) => result.status === 'waitlisted');
    expect(waiting).toHaveLength(40);
    // Told at enrolment: the rank at that moment (a crowd may still settle); the list below is the final order.
    for (const result of waiting) expect(result.position).toBeGreaterThanOrEqual(1);
    for (const result of waiting) expect(result.position).toBeLessThanOrEqual(40);

    const state = await stateOf(id);
    expect(state.seatHolders).toHaveLength(20);
    expect(state.seatNumbers).toEqual(range(1, 20));
    expect(new Set(state.seatHolders).size).toBe(20);
    expect(sorted(state.enrolled)).toEqual(sorted(state.seatHolders));
    expect(state.waiting).toHaveLength(40);
    expect(sorted(state.waitlisted)).toEqual(sorted(state.waiting));
    expect(new Set([...state.seatHolders, ...state.waiting]).size).toBe(60);
    expect(state.counters).toEqual({ seatsTaken: 20, waitlisted: 40 });

    const list = await listEnrolments(trainer, id);
    expect(list.map((item) => item.status)).toEqual([...Array(20).fill('enrolled'), ...Array(40).fill('waitlisted')]);
    expect(list.slice(20).map((item) => item.position)).toEqual(range(1, 40));
    expect(list.slice(20).map((item) => item.userId)).toEqual(state.waiting);
    expect(await seatsTaken(id)).toEqual({ taken: 20, waiting: 40, highestSeat: 20 });
  });

  it('two app instances taking a crowd at once (one in batches, the other claim by claim): still 20 seated, 40 waiting in order, nobody twice', async () => {
    const { id, trainer } = await session(20);
    const crowd = await people(60);
    // This process batches a session's requests (queue.ts); another instance's reach the same claims without that queue.
    const otherInstance = (user: SessionUser) => enrolAlone(new mongoose.Types.ObjectId(id), { _id: new mongoose.Types.ObjectId(user.id), name: user.name, email: user.email }, new mongoose.Types.ObjectId(user.id), NOW);
    const results = await Promise.all(crowd.map((user, index) => (index % 2 === 0 ? enrol(user, id, undefined, NOW) : otherInstance(user))));
    expect(results.map((result) => result.status).sort()).toEqual([...Array(20).fill('enrolled'), ...Array(40).fill('waitlisted')]);
    const state = await stateOf(id);
    expect(state.seatNumbers).toEqual(range(1, 20));
    expect(sorted(state.enrolled)).toEqual(sorted(state.seatHolders));
    expect(sorted(state.waitlisted)).toEqual(sorted(state.waiting));
    expect(new Set([...state.seatHolders, ...state.waiting]).size).toBe(60);
    expect(state.counters).toEqual({ seatsTaken: 20, waitlisted: 40 });
    expect((await listEnrolments(trainer, id)).slice(20).map((item) => [item.userId, item.position])).toEqual(state.waiting.map((user, index) => [user, index + 1]));
  });

  it('the same person enrolling five times at once holds one seat, and the others are told why', async () => {
    const { id } = await session(2);
    const [user] = await people(1);
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => enrol(user!, id, undefined, NOW)));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect((outcome.reason as { status: number }).status).toBe(409);
    const state = await stateOf(id);
    expect(state.seatHolders).toEqual([user!.id]);
    expect(state.waiting).toEqual([]);
    expect(await Enrolment.countDocuments({ session: id })).toBe(1);
  });
});

describe('the waiting list', () => {
  it('is served in order: cancelling three enrolled promotes the first three waiting, one at a time', async () => {
    const { id, trainer } = await session(3);
    const crowd = await people(7);
    for (const user of crowd) await enrol(user, id, undefined, NOW);
    const [a, b, c, w1, w2, w3, w4] = crowd.map((user) => user.id);
    expect((await listEnrolments(trainer, id)).map((item) => [item.userId, item.status, item.position])).toEqual([
      [a, 'enrolled', undefined],
      [b, 'enrolled', undefined],
      [c, 'enrolled', undefined],
      [w1, 'waitlisted', 1],
      [w2, 'waitlisted', 2],
      [w3, 'waitlisted', 3],
      [w4, 'waitlisted', 4],
    ]);

    expect(await cancelEnrolment(crowd[1]!, id, 'me', NOW)).toEqual({ cancelled: true, was: 'enrolled', promoted: w1, promotedUsers: [w1] });
    expect(await cancelEnrolment(trainer, id, a!, NOW)).toMatchObject({ promoted: w2 });
    expect(await cancelEnrolment(crowd[2]!, id, c!, NOW)).toMatchObject({ promoted: w3 });

    const state = await stateOf(id);
    expect(sorted(state.seatHolders)).toEqual(sorted([w1!, w2!, w3!]));
    expect(state.waiting).toEqual([w4]);
    expect(state.counters).toEqual({ seatsTaken: 3, waitlisted: 1 });
    const promoted = await Enrolment.findOne({ session: id, user: w1 }).lean();
    expect(promoted!.history.map((change) => [change.from, change.to])).toEqual([
      [null, 'waitlisted'],
      ['waitlisted', 'enrolled'],
    ]);
    expect(String(promoted!.history[1]!.by)).toBe(crowd[1]!.id);
    const cancelled = await Enrolment.findOne({ session: id, user: a }).lean();
    expect(cancelled!.status).toBe('cancelled');
    expect(String(cancelled!.history.at(-1)!.by)).toBe(trainer.id);
    expect(await myEnrolments(w4!)).toEqual([expect.objectContaining({ sessionId: id, status: 'waitlisted', position: 1 })]);
  });

  it('leaving the waiting list moves the people behind up; nobody is promoted', async () => {
    const { id, trainer } = await session(1);
    const crowd = await people(4);
    for (const user of crowd) await enrol(user, id, undefined, NOW);
    expect(await cancelEnrolment(crowd[2]!, id, 'me', NOW)).toEqual({ cancelled: true, was: 'waitlisted', promotedUsers: [] });
    const list = await listEnrolments(trainer, id);
    expect(list.map((item) => [item.userId, item.position])).toEqual([
      [crowd[0]!.id, undefined],
      [crowd[1]!.id, 1],
      [crowd[3]!.id, 2],
    ]);
  });

  it('simultaneous cancellations never promote anyone twice nor exceed capacity, and serve the queue in order', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { id } = await session(5);
      const crowd = await people(13);
      for (const user of crowd) await enrol(user, id, undefined, NOW);
      const enrolled = crowd.slice(0, 5);
      const waiting = crowd.slice(5).map((user) => user.id);

      const results = await Promise.all(enrolled.map((user) => cancelEnrolment(user, id, 'me', NOW)));
      const promoted = results.flatMap((result) => result.promotedUsers);
      expect(sorted(promoted)).toEqual(sorted(waiting.slice(0, 5)));

      const state = await stateOf(id);
      expect(sorted(state.seatHolders)).toEqual(sorted(waiting.slice(0, 5)));
      expect(new Set(state.seatNumbers).size).toBe(5);
      expect(state.seatNumbers.every((seat) => seat >= 1 && seat <= 5)).toBe(true);
      expect(state.waiting).toEqual(waiting.slice(5));
      expect(sorted(state.enrolled)).toEqual(sorted(state.seatHolders));
      expect(sorted(state.waitlisted)).toEqual(sorted(state.waiting));
      expect(state.counters).toEqual({ seatsTaken: 5, waitlisted: 3 });
    }
  });

  it('a person waiting who leaves while seats free up is never seated', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { id } = await session(3);
      const crowd = await people(7);
      for (const user of crowd) await enrol(user, id, undefined, NOW);
      const [a, b, , w1, w2, w3, w4] = crowd;
      await Promise.all([cancelEnrolment(a!, id, 'me', NOW), cancelEnrolment(b!, id, 'me', NOW), cancelEnrolment(w1!, id, 'me', NOW)]);
      const state = await stateOf(id);
      expect(state.seatHolders).not.toContain(w1!.id);
      expect(state.waiting).not.toContain(w1!.id);
      expect(sorted(state.seatHolders)).toEqual(sorted([crowd[2]!.id, w2!.id, w3!.id]));
      expect(state.waiting).toEqual([w4!.id]);
      expect((await Enrolment.findOne({ session: id, user: w1!.id }).lean())!.status).toBe('cancelled');
      expect(state.counters).toEqual({ seatsTaken: 3, waitlisted: 1 });
    }
  });

  it('a raised capacity is filled from the waiting list', async () => {
    const { id, trainer } = await session(2);
    const crowd = await people(5);
    for (const user of crowd) await enrol(user, id, undefined, NOW);
    await TrainingSession.updateOne({ _id: id }, { $set: { capacity: 4 } });
    expect(await fillFreeSeats(trainer, id, NOW)).toEqual([crowd[2]!.id, crowd[3]!.id]);
    expect((await stateOf(id)).counters).toEqual({ seatsTaken: 4, waitlisted: 1 });
    // Newcomers queue behind the people waiting even when a seat is free.
    await TrainingSession.updateOne({ _id: id }, { $set: { capacity: 6 } });
    const late = await person();
    expect(await enrol(late, id, undefined, NOW)).toMatchObject({ status: 'enrolled' });
    const state = await stateOf(id);
    expect(state.seatHolders).toContain(crowd[4]!.id);
    expect(state.waiting).toEqual([]);
  });

  it('re-enrolling after cancelling reuses the record and joins the end of the queue when full', async () => {
    const { id } = await session(2);
    const crowd = await people(3);
    for (const user of crowd) await enrol(user, id, undefined, NOW);
    const [first, , third] = crowd;
    expect(await cancelEnrolment(first!, id, 'me', NOW)).toMatchObject({ promoted: third!.id });
    const again = await enrol(first!, id, undefined, NOW);
    expect(again).toMatchObject({ status: 'waitlisted', position: 1 });
    expect(await Enrolment.countDocuments({ session: id, user: first!.id })).toBe(1);
    expect(again.enrolment.history.map((change) => change.to)).toEqual(['enrolled', 'cancelled', 'waitlisted']);

    // A free seat and nobody waiting: back in at once.
    const { id: other } = await session(2);
    const [solo] = await people(1);
    await enrol(solo!, other, undefined, NOW);
    await cancelEnrolment(solo!, other, 'me', NOW);
    expect(await enrol(solo!, other, undefined, NOW)).toMatchObject({ status: 'enrolled' });
  });
});

describe('rules', () => {
  it('no enrolment after the deadline, for anybody', async () => {
    const { id, session: created, trainer } = await session(5);
    const after = new Date(created.enrolmentDeadline.getTime() + 1);
    expect(await refusal(enrol(await person(), id, undefined, after))).toEqual({ status: 409, code: 'deadline-passed' });
    const someone = await person();
    expect(await refusal(enrol(trainer, id, { userId: someone.id }, after))).toEqual({ status: 409, code: 'deadline-passed' });
    // The deadline instant itself still counts.
    expect(await enrol(someone, id, undefined, created.enrolmentDeadline)).toMatchObject({ status: 'enrolled' });
  });

  it('no enrolment in a cancelled session', async () => {
    const { id } = await session(5);
    await TrainingSession.updateOne({ _id: id }, { $set: { status: 'cancelled' } });
    expect(await refusal(enrol(await person(), id, undefined, NOW))).toEqual({ status: 409, code: 'session-not-open' });
  });

  it('already enrolled, already waiting', async () => {
    const { id, trainer } = await session(1);
    const [a, b] = await people(2);
    await enrol(a!, id, undefined, NOW);
    await enrol(b!, id, undefined, NOW);
    expect(await refusal(enrol(a!, id, undefined, NOW))).toEqual({ status: 409, code: 'already-enrolled' });
    expect(await refusal(enrol(trainer, id, { email: a!.email }, NOW))).toEqual({ status: 409, code: 'already-enrolled' });
    expect(await refusal(enrol(b!, id, undefined, NOW))).toEqual({ status: 409, code: 'already-waitlisted' });
  });

  it('self-enrolment needs a verified email address', async () => {
    const { id } = await session(5);
    const unverified = await person(['stakeholder'], { verified: false });
    expect(await refusal(enrol(unverified, id, undefined, NOW))).toEqual({ status: 403, code: 'email-unverified' });
  });

  it("enrolling others: the session's trainers, coordinators of its country and admins; nobody else", async () => {
    const { id, trainer } = await session(10);
    const { trainer: otherTrainer } = await session(10);
    const stakeholder = await person();
    const target = await person();
    const outOfScope = await person(['coordinator'], { scopeCountries: ['SE'] });
    expect(await refusal(enrol(stakeholder, id, { userId: target.id }, NOW))).toEqual({ status: 403, code: 'not-session-staff' });
    expect(await refusal(enrol(otherTrainer, id, { userId: target.id }, NOW))).toEqual({ status: 403, code: 'not-session-staff' });
    expect(await refusal(enrol(outOfScope, id, { email: target.email }, NOW))).toEqual({ status: 403, code: 'not-session-staff' });
    // A refusal says nothing of whether the account exists.
    expect(await refusal(enrol(stakeholder, id, { email: 'nobody@example.org' }, NOW))).toEqual({ status: 403, code: 'not-session-staff' });

    expect(await enrol(trainer, id, { userId: target.id }, NOW)).toMatchObject({ status: 'enrolled' });
    const enrolment = await Enrolment.findOne({ session: id, user: target.id }).lean();
    expect(String(enrolment!.enrolledBy)).toBe(trainer.id);

    const inScope = await person(['coordinator'], { scopeCountries: ['PT'] });
    const byEmail = await person();
    expect(await enrol(inScope, id, { email: byEmail.email.toUpperCase() }, NOW)).toMatchObject({ status: 'enrolled' });
    const admin = await person(['admin']);
    expect(await enrol(admin, id, { userId: (await person()).id }, NOW)).toMatchObject({ status: 'enrolled' });
    expect(await refusal(enrol(trainer, id, { email: 'nobody@example.org' }, NOW))).toEqual({ status: 404, code: 'user-unknown' });
    expect(await refusal(enrol(trainer, id, { userId: new mongoose.Types.ObjectId().toHexString() }, NOW))).toEqual({ status: 404, code: 'user-unknown' });
    // Staff may enrol themselves too, like anyone verified.
    expect(await enrol(inScope, id, undefined, NOW)).toMatchObject({ status: 'enrolled' });
  });

  it("cancelling: the person, the session's trainers, coordinators in scope, admins", async () => {
    const { id, trainer } = await session(10);
    const { trainer: otherTrainer } = await session(10);
    const crowd = await people(4);
    for (const user of crowd) await enrol(user, id, undefined, NOW);
    const outOfScope = await person(['coordinator'], { scopeCountries: ['SE'] });
    const inScope = await person(['coordinator'], { scopeCountries: ['PT'] });
    const admin = await person(['admin']);
    expect(await refusal(cancelEnrolment(crowd[1]!, id, crowd[0]!.id, NOW))).toEqual({ status: 403, code: 'not-session-staff' });
    expect(await refusal(cancelEnrolment(otherTrainer, id, crowd[0]!.id, NOW))).toEqual({ status: 403, code: 'not-session-staff' });
    expect(await refusal(cancelEnrolment(outOfScope, id, crowd[0]!.id, NOW))).toEqual({ status: 403, code: 'not-session-staff' });
    await cancelEnrolment(crowd[0]!, id, crowd[0]!.id, NOW);
    await cancelEnrolment(trainer, id, crowd[1]!.id, NOW);
    await cancelEnrolment(inScope, id, crowd[2]!.id, NOW);
    await cancelEnrolment(admin, id, crowd[3]!.id, NOW);
    expect(await refusal(cancelEnrolment(trainer, id, crowd[3]!.id, NOW))).toEqual({ status: 404, code: 'not-enrolled' });
    expect(await refusal(cancelEnrolment(crowd[3]!, id, 'me', NOW))).toEqual({ status: 404, code: 'not-enrolled' });
    expect((await stateOf(id)).counters).toEqual({ seatsTaken: 0, waitlisted: 0 });
  });

  it('the list is for staff only, and says who people are', async () => {
    const { id, trainer } = await session(1);
    const withOrganisation = await person(['stakeholder'], { organisationName: 'Câmara Municipal de Setúbal' });
    await enrol(withOrganisation, id, undefined, NOW);
    expect(await refusal(listEnrolments(withOrganisation, id))).toEqual({ status: 403, code: 'not-session-staff' });
    expect(await refusal(listEnrolments(await person(['coordinator'], { scopeCountries: ['SE'] }), id))).toEqual({ status: 403, code: 'not-session-staff' });
    expect(await listEnrolments(trainer, id)).toEqual([
      { userId: withOrganisation.id, name: withOrganisation.name, email: withOrganisation.email, organisation: 'Câmara Municipal de Setúbal', sector: null, status: 'enrolled' },
    ]);
  });

  it('unknown sessions are 404', async () => {
    const user = await person();
    expect(await refusal(enrol(user, new mongoose.Types.ObjectId().toHexString(), undefined, NOW))).toEqual({ status: 404, code: 'session-unknown' });
    expect(await refusal(enrol(user, 'not-an-id', undefined, NOW))).toEqual({ status: 404, code: 'session-unknown' });
    expect(await refusal(cancelEnrolment(user, 'not-an-id', 'me', NOW))).toEqual({ status: 404, code: 'session-unknown' });
  });
});
