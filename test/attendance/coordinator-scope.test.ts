/**
 * Coordinators limited to some countries see only those, everywhere (issue 6): the dashboard,
 * the target API, the attendance export (API and web), every page and endpoint about one
 * session, and the staff lists of people and sessions. One session held (people trained) and
 * one running today in Belgium, the same in Sweden, all through the real services; then a
 * coordinator of BE only and one of SE only go through every surface.
 *
 * Not scoped, by design: the public catalogue (`/sessions`, `GET /api/v1/sessions`,
 * `/sessions/:id`), which anyone may browse to enrol; it shows no people and no attendance.
 */
import { parse } from 'csv-parse/sync';
import type { Express } from 'express';
import request, { type Response } from 'supertest';
import { type Role, User } from '../../src/accounts/model';
import { toSessionUser, type SessionUser } from '../../src/accounts/session-user';
import { recordAttendance } from '../../src/attendance/roll-call';
import { importModules } from '../../src/courses/import';
import { enrol } from '../../src/enrolment/service';
import { seedReferenceData } from '../../src/reference/seed';
import { TrainingSession } from '../../src/sessions/model';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn } from '../support/forms';
import { type SignedInPersona, signInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;

const HOUR = 3_600_000;

/** Everything the test knows about one country's side. */
interface Side {
  country: 'BE' | 'SE';
  countryName: string;
  city: string;
  cityName: string;
  course: string;
  /** Names of the people trained in the held session. */
  trained: string[];
  /** The session running today: day 1 started an hour ago, day 2 tomorrow. */
  today: { id: string; title: string; learnerId: string; learnerName: string };
  /** The coordinator of this country only. */
  coordinator: SignedInPersona;
}

const sides = {} as Record<'BE' | 'SE', Side>;

let serial = 0;
async function account(roles: Role[], country: string, name: string): Promise<SessionUser> {
  serial += 1;
  const created = await User.create({ email: `scope-${serial}@example.org`, name, passwordHash: 'x', roles, country, emailVerifiedAt: new Date() });
  return toSessionUser(created);
}

/**
 * One country's side: a two-day session held in March 2026 where `trainedCount` people were
 * present both days (trained), and a session of today with one person enrolled.
 */
async function setUpSide(admin: SessionUser, spec: Omit<Side, 'trained' | 'today' | 'coordinator'>, trainedCount: number, coordinator: SignedInPersona): Promise<Side> {
  const trainer = await account(['trainer'], spec.country, `Trainer of ${spec.country}`);
  const base = { courses: [spec.course], language: 'en' as const, city: spec.city, venue: { name: `Hall of ${spec.country}`, address: 'Main square 1' }, capacity: 20, trainers: [trainer.id] };

  const { session: held } = await scheduleSession(admin, { ...base, title: `Scope ${spec.country} held`, days: defaultDays(spec.country === 'BE' ? '2026-03-02' : '2026-03-09') }, new Date('2026-01-01'));
  const trained: string[] = [];
  const learners: SessionUser[] = [];
  for (let index = 1; index <= trainedCount; index += 1) {
    const learner = await account(['stakeholder'], spec.country, `${spec.country} Learner ${index}`);
    await enrol(admin, String(held._id), { userId: learner.id });
    learners.push(learner);
    trained.push(learner.name);
  }
  for (const day of [1, 2]) await recordAttendance(admin, String(held._id), day, learners.map((learner) => ({ userId: learner.id, status: 'present' as const })));

  const title = `Scope ${spec.country} today`;
  const { session: today } = await scheduleSession(admin, { ...base, title, days: defaultDays(spec.country === 'BE' ? '2031-05-12' : '2031-05-19') }, new Date('2026-01-01'));
  const learner = await account(['stakeholder'], spec.country, `${spec.country} Attendee today`);
  await enrol(admin, String(today._id), { userId: learner.id });
  const now = Date.now();
  await TrainingSession.updateOne(
    { _id: today._id },
    { $set: { 'days.0.startsAt': new Date(now - HOUR), 'days.0.endsAt': new Date(now + 6 * HOUR), 'days.1.startsAt': new Date(now + 24 * HOUR), 'days.1.endsAt': new Date(now + 30 * HOUR) } },
  );
  return { ...spec, trained, coordinator, today: { id: String(today._id), title, learnerId: learner.id, learnerName: learner.name } };
}

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
  const admin = await account(['admin'], 'BE', 'Scope Admin');
  // signInPersona: coordinatorInScope coordinates BE only, coordinatorOutOfScope SE only.
  sides.BE = await setUpSide(admin, { country: 'BE', countryName: 'Belgium', city: 'be-brussels', cityName: 'Brussels', course: 'awareness' }, 3, await signInPersona(app, 'coordinatorInScope'));
  sides.SE = await setUpSide(admin, { country: 'SE', countryName: 'Sweden', city: 'se-malmo', cityName: 'Malmö', course: 'schools' }, 2, await signInPersona(app, 'coordinatorOutOfScope'));
  expect(sides.BE.coordinator.userId).toBeDefined();
}, 60_000);

const other = (side: Side) => sides[side.country === 'BE' ? 'SE' : 'BE'];
const bearer = (side: Side) => ({ Authorization: `Bearer ${side.coordinator.token!}` });
const csvRows = (text: string) => (parse(text, { bom: true }) as string[][]).slice(1);
const COUNTRY_COLUMN = 3;
const NAME_COLUMN = 7;

describe.each(['BE', 'SE'] as const)('a coordinator of %s only', (code) => {
  const mine = () => sides[code];
  const theirs = () => other(sides[code]);

  it('the dashboard counts, breaks down and lists their country only', async () => {
    const res = await mine().coordinator.agent.get('/dashboard?lang=en').expect(200);
    expect(Number(/(\d+) of 200 local stakeholders trained/.exec(res.text)![1])).toBe(mine().trained.length);
    // Breakdowns by country and city, and the upcoming sessions (title and city).
    expect(res.text).toContain(mine().cityName);
    expect(res.text).toContain(mine().today.title);
    expect(res.text).not.toContain(theirs().cityName);
    expect(res.text).not.toContain(theirs().countryName);
    expect(res.text).not.toContain(theirs().today.title);
  });

  it('GET /api/v1/stats/target: the number and every breakdown are theirs', async () => {
    const res = await request(app).get('/api/v1/stats/target').set(bearer(mine())).expect(200);
    expect(res.body.trained).toBe(mine().trained.length);
    expect(res.body.byCountry).toEqual({ [mine().country]: mine().trained.length });
    expect(res.body.byCity).toEqual({ [mine().city]: mine().trained.length });
    expect(res.body.byCourse).toEqual({ [mine().course]: mine().trained.length });
  });

  describe.each([
    ['API', (side: Side, query: string) => request(app).get(`/api/v1/reports/attendance?${query}`).set(bearer(side))],
    ['web', (side: Side, query: string) => side.coordinator.agent.get(`/reports/attendance?${query}`)],
  ] as const)('the attendance export (%s)', (_surface, exportAs) => {
    it('without a country: their rows only', async () => {
      const res: Response = await exportAs(mine(), 'format=csv&lang=en').buffer(true).expect(200);
      const rows = csvRows(res.text);
      expect(new Set(rows.map((row) => row[COUNTRY_COLUMN]))).toEqual(new Set([mine().countryName]));
      expect(rows.map((row) => row[NAME_COLUMN])).toEqual(expect.arrayContaining(mine().trained));
      expect(rows.map((row) => row[NAME_COLUMN])).not.toEqual(expect.arrayContaining([theirs().trained[0]]));
    });

    it('asking for the other country is refused (403), naming it', async () => {
      const res = await exportAs(mine(), `format=csv&lang=en&country=${theirs().country}`).expect(403);
      expect(res.text).toContain(`${theirs().country} is outside your countries`);
    });
  });

  // Every surface about one session: refused for the other country's session, allowed for theirs.
  describe.each([
    ['GET /api/v1/sessions/:id/attendance', (side: Side, id: string) => request(app).get(`/api/v1/sessions/${id}/attendance`).set(bearer(side))],
    [
      'PUT /api/v1/sessions/:id/days/1/attendance',
      (side: Side, id: string, learnerId: string) => request(app).put(`/api/v1/sessions/${id}/days/1/attendance`).set(bearer(side)).send({ records: [{ userId: learnerId, status: 'present' }] }),
    ],
    ['GET /api/v1/sessions/:id/enrolments', (side: Side, id: string) => request(app).get(`/api/v1/sessions/${id}/enrolments`).set(bearer(side))],
    ['POST /api/v1/sessions/:id/days/1/check-in-code', (side: Side, id: string) => request(app).post(`/api/v1/sessions/${id}/days/1/check-in-code`).set(bearer(side)).send({})],
    ['the roster page', (side: Side, id: string) => side.coordinator.agent.get(`/sessions/${id}/roster`)],
    ['the roster CSV', (side: Side, id: string) => side.coordinator.agent.get(`/sessions/${id}/roster.csv`)],
    ['the roll call page', (side: Side, id: string) => side.coordinator.agent.get(`/sessions/${id}/days/1/roll-call`)],
    ['the sign-in sheet', (side: Side, id: string) => side.coordinator.agent.get(`/sessions/${id}/days/1/sign-in-sheet.pdf`)],
    ['the check-in code page', (side: Side, id: string) => side.coordinator.agent.get(`/sessions/${id}/days/1/check-in-code`)],
  ] as const)('%s', (_surface, call) => {
    it('is refused for the other country’s session (403) and allowed for theirs', async () => {
      const refused = await call(mine(), theirs().today.id, theirs().today.learnerId);
      expect(refused.status).toBe(403);
      expect(refused.text).not.toContain(theirs().today.learnerName);
      const allowed = await call(mine(), mine().today.id, mine().today.learnerId);
      expect(allowed.status).toBeLessThan(300);
    });
  });

  it('opening a check-in code on the page is refused for the other country’s session', async () => {
    const page = await mine().coordinator.agent.get(`/sessions/${mine().today.id}/days/1/check-in-code`).expect(200);
    await mine().coordinator.agent.post(`/sessions/${theirs().today.id}/days/1/check-in-code`).type('form').send({ _csrf: csrfTokenIn(page.text), minutes: '30' }).expect(403);
  });

  it('the staff lists of people (/admin/users, GET /api/v1/users) show their country’s accounts only', async () => {
    const api = await request(app).get('/api/v1/users?pageSize=100').set(bearer(mine())).expect(200);
    const items = api.body.items as Array<{ name: string; country: string | null }>;
    expect(new Set(items.map((item) => item.country))).toEqual(new Set([mine().country]));
    expect(items.map((item) => item.name)).toEqual(expect.arrayContaining([...mine().trained, mine().today.learnerName]));
    expect(api.body.total).toBe(await User.countDocuments({ country: mine().country }));
    // Asking for the other country gives nothing rather than their accounts.
    const asked = await request(app).get(`/api/v1/users?country=${theirs().country}`).set(bearer(mine())).expect(200);
    expect(asked.body.items).toEqual([]);

    const web = await mine().coordinator.agent.get('/admin/users?lang=en').expect(200);
    expect(web.text).toContain(mine().trained[0]);
    for (const name of [...theirs().trained, theirs().today.learnerName]) expect(web.text).not.toContain(name);
    const webAsked = await mine().coordinator.agent.get(`/admin/users?lang=en&country=${theirs().country}`);
    for (const name of theirs().trained) expect(webAsked.text).not.toContain(name);
    // Nor one of their accounts by its id.
    const one = await request(app).get(`/api/v1/users/${theirs().today.learnerId}`).set(bearer(mine()));
    expect([403, 404]).toContain(one.status);
    expect(one.text).not.toContain(theirs().today.learnerName);
    const page = await mine().coordinator.agent.get(`/admin/users/${theirs().today.learnerId}`);
    expect([403, 404]).toContain(page.status);
    expect(page.text).not.toContain(theirs().today.learnerName);
  });

  it('the desk of sessions (/desk) shows none of the other country’s sessions', async () => {
    const res = await mine().coordinator.agent.get('/desk?lang=en').expect(200);
    expect(res.text).not.toContain(theirs().today.title);
    expect(res.text).not.toContain(`Scope ${theirs().country} held`);
  });

  it('the public catalogue is not scoped, by design: anyone may browse and enrol', async () => {
    const res = await request(app).get('/api/v1/sessions?pageSize=100').expect(200);
    expect((res.body.items as Array<{ title: string }>).map((item) => item.title)).toEqual(expect.arrayContaining([mine().today.title, theirs().today.title]));
  });
});

it('a coordinator named as a trainer of a session abroad teaches it: roster, people and roll call, as for any trainer', async () => {
  // scheduleSession accepts coordinators as trainers; one listed cannot be refused the roll call
  // of the session they teach, and is given exactly what its trainers get.
  const admin = await account(['admin'], 'BE', 'Scope Admin 2');
  const teaching = sides.SE.coordinator;
  const { session } = await scheduleSession(admin, { title: 'Taught abroad', courses: ['awareness'], language: 'en', city: 'be-brussels', venue: { name: 'Hall', address: 'Main square 1' }, days: defaultDays('2026-03-16'), capacity: 5, trainers: [teaching.userId!] }, new Date('2026-01-01'));
  const learner = await account(['stakeholder'], 'BE', 'Taught Learner');
  await enrol(admin, String(session._id), { userId: learner.id });
  await teaching.agent.get(`/sessions/${String(session._id)}/roster`).expect(200);
  expect((await request(app).get(`/api/v1/sessions/${String(session._id)}/enrolments`).set(bearer(sides.SE)).expect(200)).body.total).toBe(1);
  await request(app).put(`/api/v1/sessions/${String(session._id)}/days/1/attendance`).set(bearer(sides.SE)).send({ records: [{ userId: learner.id, status: 'present' }] }).expect(200);
  // Not a way into Belgium's figures: the dashboard of an SE coordinator still counts SE only.
  expect((await request(app).get('/api/v1/stats/target').set(bearer(sides.SE)).expect(200)).body.byCountry).not.toHaveProperty('BE');
});

it('the session page offers its coordinator the attendance report in each format, and the link downloads it', async () => {
  const page = await sides.BE.coordinator.agent.get(`/sessions/${sides.BE.today.id}?lang=en`).expect(200);
  for (const format of ['xlsx', 'csv', 'pdf']) expect(page.text).toContain(`/reports/attendance?format=${format}&amp;session=${sides.BE.today.id}`);
  const csv = await sides.BE.coordinator.agent.get(`/reports/attendance?format=csv&session=${sides.BE.today.id}`).expect(200);
  expect(csvRows(csv.text).map((row) => row[NAME_COLUMN])).toContain(sides.BE.today.learnerName);
  // A trainer manages the session but does not export reports: no links.
  const trainer = await signInPersona(app, 'trainer');
  const asTrainer = await trainer.agent.get(`/sessions/${sides.BE.today.id}?lang=en`).expect(200);
  expect(asTrainer.text).not.toContain('/reports/attendance');
});
