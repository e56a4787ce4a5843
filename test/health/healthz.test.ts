import request from 'supertest';
import { type Database, openDatabase } from '../../src/db';
import type { LocalDatabase } from '../../src/db/local-server';
import { seedReferenceData } from '../../src/reference/seed';
import { APP_VERSION } from '../../src/version';
import { Readiness } from '../../src/http/readiness';
import enErrors from '../../locales/en/errors.json';
import frErrors from '../../locales/fr/errors.json';
import { buildTestApp } from '../support/app';
import { testLogger } from '../support/logger';
import { eventually, startOwnServer, temporaryDirectory, testDatabaseKind } from '../support/local-server';

jest.setTimeout(90_000);

const dataDir = temporaryDirectory('liaise-health-');
let server: LocalDatabase;
let database: Database;

beforeAll(async () => {
  server = await startOwnServer(dataDir.path);
  database = openDatabase({ uri: server.uri, dbName: 'health', log: testLogger });
  await database.whenConnected();
  await seedReferenceData();
});

afterAll(async () => {
  await database.close();
  await server.stop();
  dataDir.remove();
});

it('reports 200 with the database kind and the version while the database answers', async () => {
  const app = await buildTestApp(database);
  const res = await request(app).get('/healthz').expect(200);
  expect(res.body).toEqual({ status: 'ok', database: testDatabaseKind(), version: APP_VERSION });
  expect(res.headers['cache-control']).toBe('no-store');
});

it('reports 503 while the database is away, keeps serving, and recovers when it is back', async () => {
  const app = await buildTestApp(database);
  const port = server.port;
  await server.stop();

  const down = await eventually(() => request(app).get('/healthz'), (res) => res.status === 503);
  expect(down.status).toBe(503);
  expect(down.body.status).toBe('unavailable');

  const dataRequest = await request(app).get('/api/v1/countries').expect(503);
  expect(dataRequest.body).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
  await request(app).get('/').expect(200);

  server = await startOwnServer(dataDir.path, port);
  const up = await eventually(() => request(app).get('/healthz'), (res) => res.status === 200, 60_000);
  expect(up.status).toBe(200);
  const countries = await eventually(() => request(app).get('/api/v1/countries'), (res) => res.status === 200);
  expect(countries.body.total).toBe(11);
});

it('until start-up work has finished: /healthz says starting and why, pages and the API a localised 503 with Retry-After', async () => {
  const readiness = new Readiness('preparing the database (reference data, modules)');
  const app = await buildTestApp(database, {}, { readiness });
  const health = await request(app).get('/healthz').expect(503);
  expect(health.body).toMatchObject({ status: 'starting', reason: 'preparing the database (reference data, modules)' });
  const page = await request(app).get('/sessions').set('Accept-Language', 'fr').expect(503);
  expect(page.headers['retry-after']).toBe('5');
  expect(page.text).toContain(frErrors.starting.title);
  const api = await request(app).get('/api/v1/countries').expect(503);
  expect(api.body).toMatchObject({ type: '/problems/starting', title: enErrors.starting.title });
  await request(app).get('/assets/site.css').expect(200);

  readiness.markReady();
  await request(app).get('/healthz').expect(200);
  expect((await request(app).get('/api/v1/countries').expect(200)).body.items).toHaveLength(11);
});

it('while the database is paused, what is kept in memory still answers, the rest gets a localised 503 "try again" instead of hanging, and all works again when it resumes', async () => {
  const app = await buildTestApp(database, { REQUEST_TIMEOUT_SECONDS: '1' });
  // A session id nobody has: finding out needs the database.
  const unknownSession = '0123456789abcdef01234567';
  await request(app).get('/api/v1/countries').expect(200);
  await request(app).get(`/api/v1/sessions/${unknownSession}`).expect(404);
  process.kill(server.pid, 'SIGSTOP');
  try {
    // The reference data is kept in memory (src/cache): still there.
    expect((await request(app).get('/api/v1/countries').expect(200)).body.total).toBe(11);
    const api = await request(app).get(`/api/v1/sessions/${unknownSession}`).expect(503);
    expect(api.body).toMatchObject({ type: '/problems/timeout', title: enErrors.timeout.title });
    expect(api.headers['retry-after']).toBe('10');
    const page = await request(app).get(`/sessions/${unknownSession}`).set('Accept-Language', 'fr').expect(503);
    expect(page.text).toContain(frErrors.timeout.title);
    const health = await request(app).get('/healthz').expect(503);
    expect(health.body.status).toBe('unavailable');
  } finally {
    process.kill(server.pid, 'SIGCONT');
  }
  await eventually(() => request(app).get(`/api/v1/sessions/${unknownSession}`), (res) => res.status === 404);
});
