/**
 * The enrolment endpoints of docs/api.md ("Enrolment") with bearer tokens, through the real app.
 */
import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApiToken } from '../../src/accounts/api-token';
import { type Role, User } from '../../src/accounts/model';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion } from '../../src/courses/model';
import { seedReferenceData } from '../../src/reference/seed';
import { TrainingSession } from '../../src/sessions/model';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { addDays } from '../../src/sessions/time-zones';
import { toSessionUser } from '../../src/accounts/session-user';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';

const db = useTestDatabase(__filename);

let app: Express;
let serial = 0;
async function account(roles: Role[] = ['stakeholder'], fields: { verified?: boolean; scopeCountries?: string[] } = {}) {
  serial += 1;
  const created = await User.create({
    email: `api-person-${serial}@example.org`,
    name: `API Person ${serial}`,
    passwordHash: 'not used',
    roles,
    scopeCountries: fields.scopeCountries ?? [],
    organisationName: 'Câmara Municipal',
    ...(fields.verified === false ? {} : { emailVerifiedAt: new Date() }),
  });
  const { token } = await createApiToken(String(created._id), 'tests');
  return { id: String(created._id), email: created.email, name: created.name, token, user: toSessionUser(created) };
}

let day = 0;
async function newSession(capacity: number, taughtBy?: Awaited<ReturnType<typeof account>>) {
  const trainer = taughtBy ?? (await account(['trainer']));
  day += 1;
  const { session } = await scheduleSession(trainer.user, {
    title: 'Awareness in Setúbal',
    courses: ['awareness'],
    language: 'pt',
    city: 'pt-setubal',
    venue: { name: `Casa ${day}`, address: 'Largo José Afonso' },
    // Two days each, three days apart: the same trainer may teach several.
    days: defaultDays(addDays('2027-07-01', day * 3)),
    capacity,
  });
  return { id: String(session._id), trainer, session };
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
  await seedReferenceData();
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
  expect((await importModules()).problems).toEqual([]);
  app = await buildTestApp(db.database());
});

describe('POST /api/v1/sessions/:id/enrolments', () => {
  it('enrols the caller, then waitlists with a position', async () => {
    const { id } = await newSession(1);
    const first = await account();
    const second = await account();
    const res = await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(first.token)).send({}).expect(201);
    expect(res.body).toEqual({ userId: first.id, status: 'enrolled' });
    const waiting = await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(second.token)).send({}).expect(201);
    expect(waiting.body).toEqual({ userId: second.id, status: 'waitlisted', position: 1 });
    expect(await TrainingSession.findById(id).lean()).toMatchObject({ seatsTaken: 1, waitlisted: 1 });
  });

  it('works without a body', async () => {
    const { id } = await newSession(3);
    const someone = await account();
    await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(someone.token)).expect(201);
  });

  it('lets trainers enrol the people of their rosters by userId or email, invites anyone else; refuses stakeholders', async () => {
    const { id, trainer } = await newSession(5);
    const byId = await account();
    const byEmail = await account();
    const stakeholder = await account();
    // On one of the trainer's rosters already: they enrolled themselves in an earlier session of theirs.
    const { id: earlier } = await newSession(5, trainer);
    for (const person of [byId, byEmail]) await request(app).post(`/api/v1/sessions/${earlier}/enrolments`).set(auth(person.token)).send({}).expect(201);
    expect((await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(trainer.token)).send({ userId: byId.id }).expect(201)).body).toEqual({ userId: byId.id, status: 'enrolled' });
    expect((await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(trainer.token)).send({ email: byEmail.email }).expect(201)).body).toEqual({ userId: byEmail.id, status: 'enrolled' });
    const refused = await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(stakeholder.token)).send({ userId: byId.id }).expect(403);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: '/problems/not-session-staff', status: 403 });
    expect(refused.body.errors).toEqual([{ path: '', message: 'Only the trainers of this session, the coordinators of its country and administrators can do this.' }]);
    const outOfScope = await account(['coordinator'], { scopeCountries: ['SE'] });
    await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(outOfScope.token)).send({ email: stakeholder.email }).expect(403);
    // Anyone else, known or not, is invited, with the same answer.
    const stranger = await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(trainer.token)).send({ email: stakeholder.email }).expect(202);
    const unknown = await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(trainer.token)).send({ email: 'nobody@example.org' }).expect(202);
    for (const res of [stranger, unknown]) expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'invitationId', 'status']);
    expect(stranger.body.status).toBe('invited');
    expect(unknown.body.status).toBe('invited');
  });

  it('409 when already enrolled, after the deadline, or when the session is not open', async () => {
    const { id, session } = await newSession(5);
    const someone = await account();
    await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(someone.token)).send({}).expect(201);
    const again = await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(someone.token)).send({}).expect(409);
    expect(again.body).toMatchObject({ type: '/problems/already-enrolled', status: 409 });
    expect(again.body.errors[0].message).toBe(`${someone.name} is already enrolled in this session.`);

    await TrainingSession.updateOne({ _id: id }, { $set: { enrolmentDeadline: new Date(Date.now() - 1000) } });
    const late = await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth((await account()).token)).send({}).expect(409);
    expect(late.body).toMatchObject({ type: '/problems/deadline-passed' });
    expect(late.body.errors[0].message).toBe(`Enrolment for this session closed at the end of ${session.enrolmentDeadlineDate}.`);

    await TrainingSession.updateOne({ _id: id }, { $set: { status: 'cancelled', enrolmentDeadline: session.enrolmentDeadline } });
    const closed = await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth((await account()).token)).send({}).expect(409);
    expect(closed.body).toMatchObject({ type: '/problems/session-not-open' });
  });

  it('403 for an unverified email address, 401 without a token, 400 for bad input, 404 for an unknown session', async () => {
    const { id } = await newSession(5);
    const unverified = await account(['stakeholder'], { verified: false });
    expect((await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(unverified.token)).send({}).expect(403)).body).toMatchObject({ type: '/problems/email-unverified' });
    await request(app).post(`/api/v1/sessions/${id}/enrolments`).send({}).expect(401);
    const someone = await account();
    const bad = await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(someone.token)).send({ userId: 'x', extra: 1 }).expect(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['', 'userId']);
    await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(someone.token)).send({ userId: someone.id, email: someone.email }).expect(400);
    await request(app).post(`/api/v1/sessions/${new mongoose.Types.ObjectId().toHexString()}/enrolments`).set(auth(someone.token)).send({}).expect(404);
    await request(app).post('/api/v1/sessions/nonsense/enrolments').set(auth(someone.token)).send({}).expect(404);
  });

  it('20 requests at once for 5 seats: 5 enrolled, 15 waiting', async () => {
    const { id, trainer } = await newSession(5);
    const crowd = await Promise.all(Array.from({ length: 20 }, () => account()));
    const answers = await Promise.all(crowd.map((person) => request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(person.token)).send({})));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201));
    expect(answers.filter((answer) => answer.body.status === 'enrolled')).toHaveLength(5);
    // The rank told at enrolment is the rank at that moment (see claimTicket): in a crowd two
    // people may briefly hear the same number, but every number is a real place on a list of 15.
    for (const answer of answers.filter((one) => one.body.status === 'waitlisted')) expect(answer.body.position).toBeGreaterThanOrEqual(1);
    for (const answer of answers.filter((one) => one.body.status === 'waitlisted')) expect(answer.body.position).toBeLessThanOrEqual(15);
    // Once settled, the list names everyone once: 5 enrolled, 15 waiting ranked 1 to 15.
    const list = await request(app).get(`/api/v1/sessions/${id}/enrolments?pageSize=50`).set(auth(trainer.token)).expect(200);
    const items = list.body.items as { userId: string; status: string; position?: number }[];
    expect(items.map((item) => item.userId).sort()).toEqual(crowd.map((person) => person.id).sort());
    expect(items.filter((item) => item.status === 'enrolled')).toHaveLength(5);
    expect(items.filter((item) => item.status === 'waitlisted').map((item) => item.position)).toEqual(Array.from({ length: 15 }, (_, index) => index + 1));
  });
});

describe('DELETE /api/v1/sessions/:id/enrolments/:userId', () => {
  it('204 for oneself with `me`, the first waiting promoted at once; trainers cancel others; strangers may not', async () => {
    const { id, trainer } = await newSession(1);
    const [a, b, c] = [await account(), await account(), await account()];
    for (const person of [a, b, c]) await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(person.token)).send({}).expect(201);

    await request(app).delete(`/api/v1/sessions/${id}/enrolments/${a.id}`).set(auth(c.token)).expect(403);
    await request(app).delete(`/api/v1/sessions/${id}/enrolments/me`).set(auth(a.token)).expect(204);
    let list = await request(app).get(`/api/v1/sessions/${id}/enrolments`).set(auth(trainer.token)).expect(200);
    expect(list.body.items.map((item: { userId: string; status: string; position?: number }) => [item.userId, item.status, item.position])).toEqual([
      [b.id, 'enrolled', undefined],
      [c.id, 'waitlisted', 1],
    ]);

    await request(app).delete(`/api/v1/sessions/${id}/enrolments/${b.id}`).set(auth(trainer.token)).expect(204);
    list = await request(app).get(`/api/v1/sessions/${id}/enrolments`).set(auth(trainer.token)).expect(200);
    expect(list.body.items.map((item: { userId: string; status: string }) => [item.userId, item.status])).toEqual([[c.id, 'enrolled']]);

    const again = await request(app).delete(`/api/v1/sessions/${id}/enrolments/${b.id}`).set(auth(trainer.token)).expect(404);
    expect(again.body).toMatchObject({ type: '/problems/not-enrolled' });
    await request(app).delete(`/api/v1/sessions/${id}/enrolments/me`).expect(401);
  });
});

describe('GET /api/v1/sessions/:id/enrolments', () => {
  it('lists people for the session staff, paged; 403 for others', async () => {
    const { id, trainer } = await newSession(2);
    const crowd = [await account(), await account(), await account()];
    for (const person of crowd) await request(app).post(`/api/v1/sessions/${id}/enrolments`).set(auth(person.token)).send({}).expect(201);
    const res = await request(app).get(`/api/v1/sessions/${id}/enrolments`).set(auth(trainer.token)).expect(200);
    expect(res.body).toEqual({
      items: [
        { userId: crowd[0]!.id, name: crowd[0]!.name, email: crowd[0]!.email, organisation: 'Câmara Municipal', sector: null, status: 'enrolled' },
        { userId: crowd[1]!.id, name: crowd[1]!.name, email: crowd[1]!.email, organisation: 'Câmara Municipal', sector: null, status: 'enrolled' },
        { userId: crowd[2]!.id, name: crowd[2]!.name, email: crowd[2]!.email, organisation: 'Câmara Municipal', sector: null, status: 'waitlisted', position: 1 },
      ],
      total: 3,
      page: 1,
      pageSize: 100,
    });
    const paged = await request(app).get(`/api/v1/sessions/${id}/enrolments?page=2&pageSize=2`).set(auth(trainer.token)).expect(200);
    expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 2, items: [{ userId: crowd[2]!.id }] });
    const coordinator = await account(['coordinator'], { scopeCountries: ['PT'] });
    await request(app).get(`/api/v1/sessions/${id}/enrolments`).set(auth(coordinator.token)).expect(200);
    await request(app).get(`/api/v1/sessions/${id}/enrolments`).set(auth(crowd[0]!.token)).expect(403);
    await request(app).get(`/api/v1/sessions/${id}/enrolments?pageSize=500`).set(auth(trainer.token)).expect(400);
  });
});
