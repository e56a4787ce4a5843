/** The roll call as a plain form (issue 6, point 1): one choice per person, "mark all present", errors keep the input. */
import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { Attendance } from '../../src/attendance/model';
import { importModules } from '../../src/courses/import';
import { cancelEnrolment, enrol } from '../../src/enrolment/service';
import { seedReferenceData } from '../../src/reference/seed';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { actor } from '../support/course-authors';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn } from '../support/forms';
import { type SignedInPersona, signInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;
let coordinator: SignedInPersona;

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
  coordinator = await signInPersona(app, 'coordinatorInScope');
});

it('records one status per person, fills the blanks with "all present", and keeps a trail', async () => {
  const trainer = await User.create({ email: 'rc-trainer@example.org', name: 'Rita Trainer', passwordHash: 'x', roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
  const boss = { ...actor(['coordinator']), id: coordinator.userId!, scopeCountries: ['BE'] };
  const { session } = await scheduleSession(boss, { title: 'Held', courses: ['awareness'], language: 'fr', city: 'be-brussels', venue: { name: 'Hôtel de Ville', address: 'Grand-Place 1' }, days: defaultDays('2026-02-09'), capacity: 10, trainers: [String(trainer._id)] }, new Date('2026-01-01'));
  const people = [];
  for (const name of ['Anna', 'Bert', 'Chloé']) {
    const created = await User.create({ email: `${name.toLowerCase()}@example.org`, name, passwordHash: 'x', roles: ['stakeholder'], country: 'BE', emailVerifiedAt: new Date() });
    await enrol(boss, String(session._id), { userId: String(created._id) });
    people.push(String(created._id));
  }
  const url = `/sessions/${String(session._id)}/days/1/roll-call`;
  const form = await coordinator.agent.get(url).expect(200);
  expect(form.text).toContain(`name="status.${people[0]}"`);
  const saved = await coordinator.agent
    .post(url)
    .type('form')
    .send({ _csrf: csrfTokenIn(form.text), [`status.${people[0]}`]: 'late', [`note.${people[0]}`]: 'Train delayed', intent: 'all-present' })
    .expect(303);
  expect(saved.headers.location).toBe(`${url}?done=saved`);
  const records = await Attendance.find({ session: session._id, day: 0 }).lean();
  expect(Object.fromEntries(records.map((record) => [String(record.user), record.status]))).toEqual({ [people[0]!]: 'late', [people[1]!]: 'present', [people[2]!]: 'present' });
  const after = await coordinator.agent.get(url).expect(200);
  expect(after.text).toContain('value="Train delayed"');
  expect(after.text).toContain('Anna from Not recorded yet to Late');
  const learner = await signInPersona(app, 'stakeholder');
  await learner.agent.get(url).expect(403);
});

it('the dashboard shows the number move when a roll call trains people, scoped to the coordinator’s countries', async () => {
  const read = async (who: SignedInPersona) => {
    const res = await who.agent.get('/dashboard?lang=en').expect(200);
    return { trained: Number(/(\d+) of 200 local stakeholders trained/.exec(res.text)![1]), text: res.text };
  };
  const before = await read(coordinator);
  const boss = { ...actor(['coordinator']), id: coordinator.userId!, scopeCountries: ['BE'] };
  const trainer = await User.create({ email: 'dash-trainer@example.org', name: 'Dash Trainer', passwordHash: 'x', roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
  const { session } = await scheduleSession(boss, { title: 'Counted', courses: ['schools'], language: 'fr', city: 'be-liege', venue: { name: 'Cité Miroir', address: 'Place Xavier Neujean 22' }, days: defaultDays('2026-03-16'), capacity: 10, trainers: [String(trainer._id)] }, new Date('2026-01-01'));
  const learner = await User.create({ email: 'counted@example.org', name: 'Counted Person', passwordHash: 'x', roles: ['stakeholder'], country: 'BE', sector: 'education', emailVerifiedAt: new Date() });
  await enrol(boss, String(session._id), { userId: String(learner._id) });
  for (const day of [1, 2]) {
    const url = `/sessions/${String(session._id)}/days/${day}/roll-call`;
    const form = await coordinator.agent.get(url).expect(200);
    await coordinator.agent.post(url).type('form').send({ _csrf: csrfTokenIn(form.text), intent: 'all-present' }).expect(303);
  }
  const after = await read(coordinator);
  expect(after.trained).toBe(before.trained + 1);
  expect(after.text).toContain('<svg');
  expect(after.text).toContain('2026-03');
  const elsewhere = await signInPersona(app, 'coordinatorOutOfScope');
  expect((await read(elsewhere)).trained).toBe(0);
  await (await signInPersona(app, 'trainer')).agent.get('/dashboard').expect(403);
});

it('the dashboard’s export form gives a file even with its empty date fields', async () => {
  const res = await coordinator.agent.get('/reports/attendance?format=csv&from=&to=').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv/);
  expect(res.headers['content-disposition']).toMatch(/^attachment/);
  expect(res.text.charCodeAt(0)).toBe(0xfeff);
});

it('answers the page’s script in JSON: what was saved and the counts, or why not, naming the person’s row', async () => {
  const trainer = await User.create({ email: 'live-trainer@example.org', name: 'Live Trainer', passwordHash: 'x', roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
  const boss = { ...actor(['coordinator']), id: coordinator.userId!, scopeCountries: ['BE'] };
  const { session } = await scheduleSession(boss, { title: 'Live', courses: ['awareness'], language: 'fr', city: 'be-brussels', venue: { name: 'Hôtel de Ville', address: 'Grand-Place 1' }, days: defaultDays('2026-02-23'), capacity: 10, trainers: [String(trainer._id)] }, new Date('2026-01-01'));
  const [stays, leaves] = await Promise.all(['Stays', 'Leaves'].map((name) => User.create({ email: `live-${name.toLowerCase()}@example.org`, name, passwordHash: 'x', roles: ['stakeholder'], country: 'BE', emailVerifiedAt: new Date() })));
  for (const person of [stays!, leaves!]) await enrol(boss, String(session._id), { userId: String(person._id) });
  const url = `/sessions/${String(session._id)}/days/1/roll-call`;
  const form = await coordinator.agent.get(url).expect(200);
  expect(form.text).toContain('src="/assets/roll-call.js');
  const _csrf = csrfTokenIn(form.text);

  const saved = await coordinator.agent.post(url).set('Accept', 'application/json').type('form').send({ _csrf, intent: 'save', [`status.${String(stays!._id)}`]: 'late', [`note.${String(stays!._id)}`]: 'Bus' }).expect(200);
  expect(saved.body).toEqual({ saved: [String(stays!._id)], counts: { present: 0, late: 1, excused: 0, absent: 0 } });
  expect(await Attendance.findOne({ session: session._id, day: 0, user: stays!._id }).lean()).toMatchObject({ status: 'late', note: 'Bus' });

  // Someone whose enrolment was cancelled after the page was opened: refused by name (the error's
  // path is their row), and nothing of the batch is saved.
  await cancelEnrolment(boss, String(session._id), String(leaves!._id));
  const refused = await coordinator.agent
    .post(`${url}?lang=fr`)
    .set('Accept', 'application/json')
    .type('form')
    .send({ _csrf, intent: 'save', [`status.${String(stays!._id)}`]: 'present', [`status.${String(leaves!._id)}`]: 'present' })
    .expect(400);
  expect(refused.body.errors).toEqual([{ path: String(leaves!._id), message: expect.stringContaining('Leaves') }]);
  expect(refused.body.errors[0].message).toMatch(/inscrit/);
  expect(await Attendance.findOne({ session: session._id, day: 0, user: stays!._id }).lean()).toMatchObject({ status: 'late' });
  expect(await Attendance.countDocuments({ session: session._id, user: leaves!._id })).toBe(0);

  // Without the script, the same refusal keeps the page and names the person.
  const page = await coordinator.agent.post(`${url}?lang=en`).type('form').send({ _csrf, intent: 'save', [`status.${String(leaves!._id)}`]: 'present' }).expect(400);
  expect(page.text).toContain('Leaves');

  // Signed out: a JSON answer the script can show, never the sign-in page.
  const visitor = request.agent(app);
  const signIn = await visitor.get('/sign-in').expect(200);
  const anonymous = await visitor.post(url).set('Accept', 'application/json').type('form').send({ _csrf: csrfTokenIn(signIn.text), intent: 'save' }).expect(401);
  expect(anonymous.body.errors[0].message).toMatch(/signed out/);
  // A session that ended (no token matches): a problem document, which the script reads as
  // "reload the page" and keeps the changes.
  const expired = await request(app).post(url).set('Accept', 'application/json').type('form').send({ _csrf, intent: 'save' }).expect(403);
  expect(expired.headers['content-type']).toMatch(/^application\/problem\+json/);
});
