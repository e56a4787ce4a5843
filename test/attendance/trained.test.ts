/**
 * Attendance and who counts as trained (issue 6, points 1, 4 and 9): the rule (every day
 * present or late; excused does not count by default), distinct people, corrections that
 * un-train someone, the rule as a setting, the roll call's refusals (not enrolled, unknown
 * status, a day not started) with nothing saved, and the target API's scoping.
 */
import type { Express } from 'express';
import request from 'supertest';
import { createApiToken } from '../../src/accounts/api-token';
import { type Role, User } from '../../src/accounts/model';
import type { SessionUser } from '../../src/accounts/session-user';
import { Attendance, AttendanceChange, TrainedPerson } from '../../src/attendance/model';
import { recordAttendance, rollCall } from '../../src/attendance/roll-call';
import { saveSettings, DEFAULT_SETTINGS } from '../../src/attendance/settings';
import { targetStats } from '../../src/attendance/stats';
import { recountEveryone } from '../../src/attendance/recount-job';
import { importModules } from '../../src/courses/import';
import { enrol } from '../../src/enrolment/service';
import { seedReferenceData } from '../../src/reference/seed';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { actor } from '../support/course-authors';
import { useTestDatabase } from '../support/database';

const db = useTestDatabase(__filename);
let app: Express;

let serial = 0;
async function person(roles: Role[], fields: Record<string, unknown> = {}): Promise<SessionUser & { token: string }> {
  serial += 1;
  const created = await User.create({ email: `p${serial}@example.org`, name: `Person ${String(serial).padStart(3, '0')}`, passwordHash: 'x', roles, country: 'BE', emailVerifiedAt: new Date(), ...fields });
  const { token } = await createApiToken(String(created._id), 'attendance test');
  return { ...actor(roles), id: String(created._id), name: created.name, email: created.email, scopeCountries: (fields.scopeCountries as string[]) ?? [], token };
}

let coordinator: Awaited<ReturnType<typeof person>>;
let coordinatorSE: Awaited<ReturnType<typeof person>>;

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
  coordinator = await person(['coordinator'], { scopeCountries: ['BE'] });
  coordinatorSE = await person(['coordinator'], { scopeCountries: ['SE'] });
});

beforeEach(async () => {
  await saveSettings(DEFAULT_SETTINGS, coordinator.id);
});

/** A two-day session (in the past, recorded by the coordinator), with `count` people enrolled. */
async function heldSession(count: number, city = 'be-brussels', firstDay = '2026-03-02') {
  const trainer = await person(['trainer']);
  const { session } = await scheduleSession(coordinator, {
    title: `Held in ${city} from ${firstDay}`,
    courses: ['awareness'],
    language: 'fr',
    city,
    venue: { name: 'Hôtel de Ville', address: 'Grand-Place 1' },
    days: defaultDays(firstDay),
    capacity: 30,
    trainers: [trainer.id],
  }, new Date('2026-01-01'));
  const people = [];
  for (let index = 0; index < count; index += 1) {
    const learner = await person(['stakeholder']);
    await enrol(coordinator, String(session._id), { userId: learner.id });
    people.push(learner);
  }
  return { id: String(session._id), trainer, people };
}

const mark = (who: SessionUser, id: string, day: number, records: Array<[SessionUser, string]>) =>
  recordAttendance(who, id, day, records.map(([learner, status]) => ({ userId: learner.id, status: status as 'present' })));

const trainedCount = async () => (await targetStats(undefined)).trained;

describe('who counts as trained', () => {
  it('present or late on both days: trained; one day absent or excused: not; the same person twice counts once', async () => {
    const before = await trainedCount();
    const { id, trainer, people } = await heldSession(4);
    const [both, late, absent, excused] = people;
    await mark(trainer, id, 1, [[both!, 'present'], [late!, 'late'], [absent!, 'present'], [excused!, 'present']]);
    await mark(trainer, id, 2, [[both!, 'present'], [late!, 'present'], [absent!, 'absent'], [excused!, 'excused']]);
    expect(await trainedCount()).toBe(before + 2);
    expect((await TrainedPerson.findById(both!.id).lean())!.trained).toBe(true);
    expect((await TrainedPerson.findById(excused!.id).lean())!.trained).toBe(false);

    // Trained again in a second session: still one person.
    const second = await heldSession(0, 'be-liege', '2026-04-06');
    await enrol(coordinator, second.id, { userId: both!.id });
    await mark(second.trainer, second.id, 1, [[both!, 'present']]);
    await mark(second.trainer, second.id, 2, [[both!, 'present']]);
    expect(await trainedCount()).toBe(before + 2);
    expect((await TrainedPerson.findById(both!.id).lean())!.sessions).toHaveLength(2);
  });

  it('a correction un-trains someone, and the trail keeps who changed what', async () => {
    const { id, trainer, people } = await heldSession(1);
    const [learner] = people;
    await mark(trainer, id, 1, [[learner!, 'present']]);
    await mark(trainer, id, 2, [[learner!, 'present']]);
    const trained = await trainedCount();
    await mark(coordinator, id, 2, [[learner!, 'absent']]);
    expect(await trainedCount()).toBe(trained - 1);
    const trail = await AttendanceChange.find({ session: id, user: learner!.id }).sort({ at: 1 }).lean();
    expect(trail.map((change) => [change.day, change.from, change.to, String(change.by)])).toEqual([
      [0, null, 'present', trainer.id],
      [1, null, 'present', trainer.id],
      [1, 'present', 'absent', coordinator.id],
    ]);
    // The same status again is no change: nothing added to the trail.
    await mark(coordinator, id, 2, [[learner!, 'absent']]);
    expect(await AttendanceChange.countDocuments({ session: id, user: learner!.id })).toBe(3);
  });

  it('follows the rule in the settings: with excused counting, the excused are trained; back to default, they are not', async () => {
    const { id, trainer, people } = await heldSession(1);
    const [learner] = people;
    await mark(trainer, id, 1, [[learner!, 'present']]);
    await mark(trainer, id, 2, [[learner!, 'excused']]);
    const before = await trainedCount();
    await saveSettings({ ...DEFAULT_SETTINGS, countingStatuses: ['present', 'late', 'excused'] }, coordinator.id);
    await recountEveryone();
    expect((await TrainedPerson.findById(learner!.id).lean())!.trained).toBe(true);
    expect(await trainedCount()).toBeGreaterThan(before);
    await saveSettings(DEFAULT_SETTINGS, coordinator.id);
    await recountEveryone();
    expect(await trainedCount()).toBe(before);
  });
});

describe('the roll call', () => {
  it('refuses a batch with someone not enrolled, naming them, and saves nothing of it', async () => {
    const { id, trainer, people } = await heldSession(2);
    const stranger = await person(['stakeholder'], { name: 'Stranger Danger' });
    await expect(mark(trainer, id, 1, [[people[0]!, 'present'], [stranger, 'present']])).rejects.toMatchObject({
      status: 400,
      fieldErrors: [{ path: 'records.1.userId', key: 'attendance:errors.not-enrolled', values: { person: `Stranger Danger <${stranger.email}>` } }],
    });
    expect(await Attendance.countDocuments({ session: id })).toBe(0);
  });

  it('waits for the day to start, and does not show people enrolled afterwards as absent', async () => {
    const future = await scheduleSession(coordinator, {
      title: 'Later',
      courses: ['awareness'],
      language: 'fr',
      city: 'be-brussels',
      venue: { name: 'Atomium', address: 'Square de l’Atomium' },
      days: defaultDays('2031-03-03'),
      capacity: 10,
      trainers: [(await person(['trainer'])).id],
    });
    const learner = await person(['stakeholder']);
    await enrol(coordinator, String(future.session._id), { userId: learner.id });
    await expect(mark(coordinator, String(future.session._id), 1, [[learner, 'present']])).rejects.toMatchObject({ status: 409, code: 'day-not-started' });

    const { id, people } = await heldSession(1);
    const late = await person(['stakeholder']);
    await enrol(coordinator, id, { userId: late.id });
    const list = await rollCall(coordinator, id, 1);
    expect(list.entries.find((entry) => entry.userId === late.id)).toMatchObject({ status: null, enrolledLater: true });
    expect(list.entries.find((entry) => entry.userId === people[0]!.id)).toMatchObject({ status: null, enrolledLater: true });
  });
});

describe('the API', () => {
  it('PUT is idempotent, refuses unknown statuses and strangers with 400, and GET says who is trained', async () => {
    const { id, trainer, people } = await heldSession(2);
    const auth = { Authorization: `Bearer ${trainer.token}` };
    const body = { records: people.map((learner) => ({ userId: learner.id, status: 'present' })) };
    const first = await request(app).put(`/api/v1/sessions/${id}/days/1/attendance`).set(auth).send(body).expect(200);
    const again = await request(app).put(`/api/v1/sessions/${id}/days/1/attendance`).set(auth).send(body).expect(200);
    expect(again.body.records).toEqual(first.body.records);
    await request(app).put(`/api/v1/sessions/${id}/days/2/attendance`).set(auth).send(body).expect(200);
    const unknown = await request(app).put(`/api/v1/sessions/${id}/days/2/attendance`).set(auth).send({ records: [{ userId: people[0]!.id, status: 'sleeping' }] }).expect(400);
    expect(unknown.body.errors[0].path).toBe('records.0.status');
    await request(app).put(`/api/v1/sessions/${id}/days/3/attendance`).set(auth).send(body).expect(404);
    await request(app).put(`/api/v1/sessions/${id}/days/1/attendance`).set({ Authorization: `Bearer ${people[0]!.token}` }).send(body).expect(403);
    const summary = await request(app).get(`/api/v1/sessions/${id}/attendance`).set(auth).expect(200);
    expect(summary.body.items).toEqual(expect.arrayContaining(people.map((learner) => ({ userId: learner.id, days: ['present', 'present'], trained: true }))));
  });

  it('the target: distinct people, and a coordinator of other countries sees only theirs', async () => {
    const all = await request(app).get('/api/v1/stats/target').set({ Authorization: `Bearer ${coordinator.token}` }).expect(200);
    expect(all.body).toMatchObject({ target: 200 });
    expect(all.body.trained).toBe(await TrainedPerson.countDocuments({ trained: true }));
    expect(all.body.byCountry.BE).toBe(all.body.trained);
    const sweden = await request(app).get('/api/v1/stats/target').set({ Authorization: `Bearer ${coordinatorSE.token}` }).expect(200);
    expect(sweden.body).toMatchObject({ trained: 0, byCountry: {} });
    const learner = await person(['stakeholder']);
    await request(app).get('/api/v1/stats/target').set({ Authorization: `Bearer ${learner.token}` }).expect(403);
  });
});
