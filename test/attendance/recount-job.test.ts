/**
 * Issue 12, point 6: counting everyone again after a rule change is a job that a runner
 * stopping half-way leaves to the next one, which carries on from there; meanwhile the
 * dashboard and the target API say the figures are being recounted instead of mixing rules.
 */
import type { Express } from 'express';
import request from 'supertest';
import enDashboard from '../../locales/en/dashboard.json';
import { Attendance, TrainedPerson } from '../../src/attendance/model';
import { recountInProgress, runRecount, startRecount } from '../../src/attendance/recount-job';
import { DEFAULT_SETTINGS, type ProgrammeSettings, saveSettings } from '../../src/attendance/settings';
import { recountPerson } from '../../src/attendance/trained';
import { importModules } from '../../src/courses/import';
import { seedDemo } from '../../src/demo/seed';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { type SignedInPersona, signInPersona } from '../support/personas';

jest.setTimeout(120_000);

const db = useTestDatabase(__filename);
let app: Express;
let admin: SignedInPersona;

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  await seedDemo({ stakeholders: 120, sessions: 14, run: 'recount' });
  app = await buildTestApp(db.database());
  admin = await signInPersona(app, 'admin');
});

/** Who is trained and by what, per person: what the dashboard's figures are made of. */
async function figures() {
  const people = await TrainedPerson.find().sort({ _id: 1 }).lean();
  return people.map((person) => ({ id: String(person._id), trained: person.trained, sessions: person.sessions.map(String).sort(), courses: [...person.courses].sort() }));
}

it('a recount stopped half-way is finished by the next runner from where it stopped, and the figures are those of the new rule', async () => {
  const rule: ProgrammeSettings = { ...DEFAULT_SETTINGS, countingStatuses: ['present'], requiredShare: 0.5 };
  const everyone = (await Attendance.distinct('user')).length;
  expect(everyone).toBeGreaterThan(40);
  await saveSettings(rule, admin.userId!);
  await startRecount(rule);

  // The first runner dies after 20 people.
  const stop = new Error('the runner stopped here');
  await expect(runRecount({ batchSize: 10, afterBatch: (counted) => { if (counted >= 20) throw stop; } })).rejects.toBe(stop);
  expect(await recountInProgress()).toBe(true);

  // Meanwhile no mixed figures: the dashboard and the API say a recount is under way.
  const page = await admin.agent.get('/dashboard').expect(200);
  expect(page.text).toContain(enDashboard.recounting);
  expect(page.text).not.toContain('<progress');
  const api = await request(app).get('/api/v1/stats/target').set('Authorization', `Bearer ${admin.token}`).expect(200);
  expect(api.body.recounting).toBe(true);

  // A runner in the same turn leaves it alone; the next turn's runner goes on from person 21.
  expect(await runRecount({ batchSize: 10 })).toBe('another-runner');
  const progress: number[] = [];
  expect(await runRecount({ batchSize: 10, afterBatch: (counted) => void progress.push(counted) }, new Date(Date.now() + 61_000))).toBe('done');
  expect(progress[0]).toBe(30);
  expect(progress[progress.length - 1]).toBe(everyone);
  expect(await recountInProgress()).toBe(false);

  // The figures are exactly those of counting each person on their own under the new rule.
  const byJob = await figures();
  for (const person of byJob) await recountPerson(person.id, rule);
  expect(await figures()).toEqual(byJob);
  expect(byJob.some((person) => person.trained)).toBe(true);

  const after = await admin.agent.get('/dashboard').expect(200);
  expect(after.text).not.toContain(enDashboard.recounting);
  expect(after.text).toContain('<progress');
  const settled = await request(app).get('/api/v1/stats/target').set('Authorization', `Bearer ${admin.token}`).expect(200);
  expect(settled.body).toMatchObject({ recounting: false, trained: byJob.filter((person) => person.trained).length });
});
