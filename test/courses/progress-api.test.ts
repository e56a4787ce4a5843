import type { Express } from 'express';
import request from 'supertest';
import { importModules } from '../../src/courses/import';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { signInPersona, type SignedInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;
let learner: SignedInPersona;

beforeAll(async () => {
  await importModules();
  app = await buildTestApp(db.database());
  learner = await signInPersona(app, 'stakeholder');
});

const progress = (slug: string) => request(app).get(`/api/v1/courses/${slug}/progress`).set('Authorization', `Bearer ${learner.token}`);
const mark = (slug: string, lessonKey: unknown) =>
  request(app).post(`/api/v1/courses/${slug}/progress`).set('Authorization', `Bearer ${learner.token}`).send({ lessonKey });

describe('progress through the API', () => {
  it('pins the latest version at the first lesson and records each lesson once', async () => {
    expect((await progress('awareness').expect(200)).body).toEqual({ version: null, latestVersion: '1.1.0', completedLessons: [] });
    await mark('awareness', 'signs-and-context').expect(200);
    const twice = await mark('awareness', 'signs-and-context').expect(200);
    expect(twice.body).toEqual({ version: '1.1.0', latestVersion: '1.1.0', completedLessons: ['signs-and-context'] });
  });

  it('refuses an unknown lesson without starting the module', async () => {
    await mark('schools', 'no-such-lesson').expect(404);
    expect((await progress('schools').expect(200)).body.version).toBeNull();
    await mark('schools', { $ne: null }).expect(400);
  });
});
