/**
 * The sessions API (docs/api.md, "Training sessions"): schedule, find with filters, read,
 * edit (capacity never below the seats taken, calendar sequence bumped on time or place
 * changes), cancel once; who may do which; errors as localised problem documents.
 */
import type { Express } from 'express';
import request from 'supertest';
import { createApiToken } from '../../src/accounts/api-token';
import { type Role, User } from '../../src/accounts/model';
import { importModules } from '../../src/courses/import';
import { seedReferenceData } from '../../src/reference/seed';
import { sessionEvents } from '../../src/sessions/events';
import { TrainingSession } from '../../src/sessions/model';
import { defaultDays } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';

const db = useTestDatabase(__filename);
let app: Express;

let serial = 0;
async function account(roles: Role[], scopeCountries: string[] = []) {
  serial += 1;
  const user = await User.create({ email: `api-${serial}@example.org`, name: `Api Person ${serial}`, passwordHash: 'x', roles, country: 'PT', scopeCountries, emailVerifiedAt: new Date() });
  return { id: String(user._id), name: user.name, auth: { Authorization: `Bearer ${(await createApiToken(String(user._id), 'sessions test')).token}` } };
}

let trainer: Awaited<ReturnType<typeof account>>;
let otherTrainer: Awaited<ReturnType<typeof account>>;
let coordinatorPT: Awaited<ReturnType<typeof account>>;
let coordinatorSE: Awaited<ReturnType<typeof account>>;
let stakeholder: Awaited<ReturnType<typeof account>>;

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
  trainer = await account(['trainer']);
  otherTrainer = await account(['trainer']);
  coordinatorPT = await account(['coordinator'], ['PT']);
  coordinatorSE = await account(['coordinator'], ['SE']);
  stakeholder = await account(['stakeholder']);
});

beforeEach(async () => {
  await TrainingSession.deleteMany({});
});

const body = (overrides: Record<string, unknown> = {}) => ({
  title: 'Prevenção em Setúbal',
  courses: ['awareness', 'schools'],
  language: 'pt',
  city: 'pt-setubal',
  venue: { name: 'Casa da Cultura', address: 'Largo José Afonso, Setúbal' },
  days: defaultDays('2031-05-12'),
  capacity: 20,
  ...overrides,
});

const create = (who: { auth: Record<string, string> }, overrides: Record<string, unknown> = {}) => request(app).post('/api/v1/sessions').set(who.auth).send(body(overrides));

describe('scheduling', () => {
  it('answers 201 with the api.md shape: versions pinned, open, no seats taken', async () => {
    const res = await create(trainer).expect(201);
    expect(res.headers.location).toBe(`/api/v1/sessions/${res.body.id}`);
    expect(res.body).toMatchObject({
      title: 'Prevenção em Setúbal',
      courses: [{ slug: 'awareness', version: '1.1.0' }, { slug: 'schools', version: '1.0.0' }],
      status: 'open',
      seatsTaken: 0,
      waitlisted: 0,
      seatsLeft: 20,
      timezone: 'Europe/Lisbon',
      enrolmentDeadline: '2031-05-11',
      trainers: [{ id: trainer.id, name: trainer.name }],
      days: [
        { date: '2031-05-12', start: '09:00', end: '17:00', startsAt: '2031-05-12T08:00:00.000Z' },
        { date: '2031-05-13', start: '09:00', end: '17:00' },
      ],
      warnings: [],
    });
  });

  it('refuses a double-booked trainer with 409 naming the other session, in the reader’s language', async () => {
    const first = await create(trainer).expect(201);
    const res = await create(coordinatorPT, { title: 'Outra sessão', venue: { name: 'Biblioteca', address: 'Rua 1' }, trainers: [trainer.id] }).set('Accept-Language', 'fr').expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.type).toMatch(/trainer-booked$/);
    expect(res.body.errors[0].message).toContain('Prevenção em Setúbal');
    expect(res.body.errors[0].message).toContain(trainer.name);
    expect(first.body.id).toBeTruthy();
  });

  it('says which fields are wrong, and refuses stakeholders and anonymous callers', async () => {
    const shape = await create(trainer, { capacity: 0, title: 'x' }).expect(400);
    expect(shape.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['capacity', 'title']);
    const rules = await create(trainer, { days: [{ date: '2031-05-12', start: '17:00', end: '09:00' }], enrolmentDeadline: '2031-05-20' }).set('Accept-Language', 'de').expect(400);
    expect(rules.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['days.0.end', 'enrolmentDeadline']);
    expect(rules.body.errors[0].message).not.toMatch(/^sessions:/);
    await create(stakeholder).expect(403);
    await request(app).post('/api/v1/sessions').send(body()).expect(401);
  });
});

describe('finding', () => {
  it('filters by dates, country, city, module and language; cancelled ones only when asked', async () => {
    await create(trainer).expect(201);
    await create(otherTrainer, { title: 'Skolor i Malmö', city: 'se-malmo', language: 'sv', courses: ['schools'], days: defaultDays('2031-06-02'), venue: { name: 'Stadshuset', address: 'August Palms plats 1' } }).expect(201);
    const list = async (query: string) => (await request(app).get(`/api/v1/sessions${query}`).expect(200)).body.items.map((item: { title: string }) => item.title);
    expect(await list('')).toEqual(['Prevenção em Setúbal', 'Skolor i Malmö']);
    expect(await list('?country=se')).toEqual(['Skolor i Malmö']);
    expect(await list('?city=pt-setubal')).toEqual(['Prevenção em Setúbal']);
    expect(await list('?course=awareness')).toEqual(['Prevenção em Setúbal']);
    expect(await list('?language=sv')).toEqual(['Skolor i Malmö']);
    expect(await list('?from=2031-05-13&to=2031-05-31')).toEqual(['Prevenção em Setúbal']);
    expect(await list('?from=2031-05-14')).toEqual(['Skolor i Malmö']);
    expect(await list('?to=2031-05-11')).toEqual([]);
    await request(app).get('/api/v1/sessions?from=2031-02-30').expect(400);
    await request(app).get('/api/v1/sessions?colour=red').expect(400);
  });

  it('reads one session; an unknown or malformed id is 404', async () => {
    const created = await create(trainer).expect(201);
    const res = await request(app).get(`/api/v1/sessions/${created.body.id}`).set('Accept-Language', 'el').expect(200);
    expect(res.body.courses[0].title).toBeTruthy();
    await request(app).get('/api/v1/sessions/0123456789abcdef01234567').expect(404);
    await request(app).get('/api/v1/sessions/not-an-id').expect(404);
  });
});

describe('editing and cancelling', () => {
  it('lets its trainers and coordinators of its country edit; bumps the sequence and announces time changes', async () => {
    const created = await create(trainer).expect(201);
    const announced: Array<{ time: boolean; place: boolean }> = [];
    const listener = ({ time, place }: { time: boolean; place: boolean }) => announced.push({ time, place });
    sessionEvents.on('changed', listener);
    try {
      await request(app).patch(`/api/v1/sessions/${created.body.id}`).set(otherTrainer.auth).send({ capacity: 30 }).expect(403);
      await request(app).patch(`/api/v1/sessions/${created.body.id}`).set(coordinatorSE.auth).send({ capacity: 30 }).expect(403);
      const bigger = await request(app).patch(`/api/v1/sessions/${created.body.id}`).set(coordinatorPT.auth).send({ capacity: 30 }).expect(200);
      expect(bigger.body).toMatchObject({ capacity: 30, courses: [{ version: '1.1.0' }, { version: '1.0.0' }] });
      expect(announced).toEqual([]);
      const moved = await request(app)
        .patch(`/api/v1/sessions/${created.body.id}`)
        .set(trainer.auth)
        .send({ days: [{ date: '2031-05-19', start: '09:30', end: '16:30' }, { date: '2031-05-20', start: '09:30', end: '16:30' }] })
        .expect(200);
      expect(moved.body).toMatchObject({ enrolmentDeadline: '2031-05-11', days: [{ date: '2031-05-19', start: '09:30' }, { date: '2031-05-20' }] });
      expect(announced).toEqual([{ time: true, place: false }]);
      expect((await TrainingSession.findById(created.body.id).lean())!.sequence).toBe(1);
    } finally {
      sessionEvents.off('changed', listener);
    }
  });

  it('never sets the capacity below the seats taken, and gives new seats to the people waiting', async () => {
    const created = await create(trainer, { capacity: 2 }).expect(201);
    const people = [await account(['stakeholder']), await account(['stakeholder']), await account(['stakeholder'])];
    for (const person of people) await request(app).post(`/api/v1/sessions/${created.body.id}/enrolments`).set(person.auth).send({}).expect(201);
    const res = await request(app).patch(`/api/v1/sessions/${created.body.id}`).set(trainer.auth).send({ capacity: 1 }).expect(409);
    expect(res.body.type).toMatch(/capacity-below-seats$/);
    expect(res.body.errors[0]).toMatchObject({ path: 'capacity' });
    const bigger = await request(app).patch(`/api/v1/sessions/${created.body.id}`).set(trainer.auth).send({ capacity: 3 }).expect(200);
    expect(bigger.body.capacity).toBe(3);
    const roster = await request(app).get(`/api/v1/sessions/${created.body.id}/enrolments`).set(trainer.auth).expect(200);
    expect(roster.body.items.map((item: { userId: string; status: string }) => [item.userId, item.status])).toEqual(people.map((person) => [person.id, 'enrolled']));
  });

  it('cancels once, even when two people click at the same time; a cancelled session cannot be edited', async () => {
    const created = await create(trainer).expect(201);
    let announcements = 0;
    const listener = () => {
      announcements += 1;
    };
    sessionEvents.on('cancelled', listener);
    try {
      const results = await Promise.all([
        request(app).post(`/api/v1/sessions/${created.body.id}/cancel`).set(trainer.auth),
        request(app).post(`/api/v1/sessions/${created.body.id}/cancel`).set(coordinatorPT.auth),
        request(app).post(`/api/v1/sessions/${created.body.id}/cancel`).set(trainer.auth),
      ]);
      expect(results.map((res) => res.status).sort()).toEqual([200, 409, 409]);
      expect(announcements).toBe(1);
    } finally {
      sessionEvents.off('cancelled', listener);
    }
    const session = (await TrainingSession.findById(created.body.id).lean())!;
    expect(session).toMatchObject({ status: 'cancelled', sequence: 1 });
    await request(app).patch(`/api/v1/sessions/${created.body.id}`).set(trainer.auth).send({ capacity: 25 }).expect(409);
    expect((await request(app).get('/api/v1/sessions?status=cancelled').expect(200)).body.items).toHaveLength(1);
  });
});
