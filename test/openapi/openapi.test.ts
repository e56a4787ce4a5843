/**
 * Keeps `GET /api/v1/openapi.json` true:
 * - it describes exactly the operations the real router answers, no more, no fewer;
 * - every response it documents, success and refusal alike, is produced here by a real request
 *   against the real app, and the body is accepted by the very zod schema the document was
 *   generated from (problem documents by `Problem`);
 * - the document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator, run in plain
 *   Node because it is ESM-only), its `$ref`s resolve, path parameters are declared, ids unique.
 */
import { spawnSync } from 'node:child_process';
import type { Express } from 'express';
import request, { type Response, type Test } from 'supertest';
import type { z } from 'zod';
import { createApiToken } from '../../src/accounts/api-token';
import { type Role, User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { importModules } from '../../src/courses/import';
import { CourseVersion } from '../../src/courses/model';
import { API_BODY_LIMIT } from '../../src/http/api-router';
import { MAX_PAGE_SIZE } from '../../src/http/pagination';
import { buildOpenApiDocument, JSON_TYPE, type OpenApiDocument, PROBLEM_TYPE, SERVER_URL } from '../../src/openapi/document';
import { type Method, type Operation, OPERATIONS, TAGS } from '../../src/openapi/operations';
import { problemSchema } from '../../src/openapi/responses';
import { seedReferenceData } from '../../src/reference/seed';
import { CheckInCode } from '../../src/attendance/check-in';
import { TrainingSession } from '../../src/sessions/model';
import { defaultDays } from '../../src/sessions/schedule';
import { PROJECT_ROOT } from '../../src/version';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { listRoutes } from '../support/routes';
import { type AuthenticatorApp, giveTwoFactor } from '../support/two-factor';

const db = useTestDatabase(__filename);
let app: Express;
const document = buildOpenApiDocument();

// ---------------------------------------------------------------------------------------------
// The people the requests are made by (made directly in the database, as test/support/personas.ts does).

const PASSWORD = 'a passphrase for describing the api';
const NO_SUCH_ID = '0123456789abcdef01234567';
let passwordHash: Promise<string> | undefined;
let serial = 0;

interface Person {
  id: string;
  email: string;
  token: string;
  phone?: AuthenticatorApp;
}

async function makePerson(roles: Role[], options: { country?: string; scopeCountries?: string[]; twoFactor?: boolean } = {}): Promise<Person> {
  serial += 1;
  passwordHash ??= hashPassword(PASSWORD);
  const user = await User.create({
    email: `${roles[0]}-${serial}@example.org`,
    name: `${roles[0]} ${serial}`,
    passwordHash: await passwordHash,
    roles,
    country: options.country ?? 'BE',
    scopeCountries: options.scopeCountries ?? [],
    emailVerifiedAt: new Date(),
  });
  const id = String(user._id);
  const phone = options.twoFactor ? await giveTwoFactor(id) : undefined;
  const { token } = await createApiToken(id, 'openapi test');
  return { id, email: user.email, token, ...(phone ? { phone } : {}) };
}

let stakeholder: Person;
let admin: Person;
let coordinator: Person;
let coordinatorElsewhere: Person;
/** A coordinator who has not set up two-factor authentication yet. */
let coordinatorWithoutTwoFactor: Person;
/** The stakeholder the administration requests act on. */
let target: Person;

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
  stakeholder = await makePerson(['stakeholder']);
  admin = await makePerson(['admin'], { twoFactor: true });
  coordinator = await makePerson(['coordinator'], { scopeCountries: ['BE'], twoFactor: true });
  coordinatorElsewhere = await makePerson(['coordinator'], { scopeCountries: ['SE'], twoFactor: true });
  coordinatorWithoutTwoFactor = await makePerson(['coordinator'], { scopeCountries: ['BE'] });
  target = await makePerson(['stakeholder']);
  sessionTrainerId = await sessionTrainer();
});

// ---------------------------------------------------------------------------------------------
// Requests.

let clientAddress = 0;
/** Each request from its own address, so the abuse limits stay out of the way unless a case wants them. */
const nextAddress = () => {
  clientAddress += 1;
  return `10.${(clientAddress >> 16) & 255}.${(clientAddress >> 8) & 255}.${clientAddress & 255}`;
};

interface CallOptions {
  token?: string;
  body?: unknown;
  /** Raw body text, sent as JSON. */
  raw?: string;
  address?: string;
}

function call(method: Method, path: string, options: CallOptions = {}): Test {
  let test = request(app)[method](`${SERVER_URL}${path}`).set('X-Forwarded-For', options.address ?? nextAddress());
  if (options.token) test = test.set('Authorization', `Bearer ${options.token}`);
  if (options.raw !== undefined) return test.set('Content-Type', 'application/json').send(options.raw);
  return options.body === undefined ? test : test.send(options.body as object);
}

const BAD_TOKEN = 'liaise_this-token-was-never-issued';
/** A JSON body just over the API's limit. */
const TOO_LARGE = JSON.stringify({ padding: 'x'.repeat(Number.parseInt(API_BODY_LIMIT, 10) * 1024 + 1) });

/** `limit` refused attempts from one address, then one more: the one the limit refuses. */
async function pastTheLimit(method: Method, path: string, limit: number): Promise<Response> {
  const address = `192.0.2.${serial % 250}`;
  serial += 1;
  for (let attempt = 0; attempt < limit; attempt += 1) await call(method, path, { body: {}, address }).expect(400);
  return call(method, path, { body: {}, address });
}

/** A session in Brussels, taught by a trainer made for it (coordinators do not teach). */
const sessionBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'Awareness in Brussels',
  courses: ['awareness'],
  language: 'fr',
  city: 'be-brussels',
  venue: { name: 'Hôtel de Ville', address: 'Grand-Place 1' },
  days: defaultDays('2031-09-15'),
  capacity: 20,
  trainers: [sessionTrainerId],
  ...overrides,
});
let sessionTrainerId = '';
async function sessionTrainer(): Promise<string> {
  return (await makePerson(['trainer'])).id;
}
let enrolmentSessionId: string | undefined;
/** A session of two seats for the enrolment cases, made on first use. */
async function enrolmentSession(): Promise<string> {
  if (!enrolmentSessionId) {
    const res = await call('post', '/sessions', { token: coordinator.token, body: sessionBody({ capacity: 2, days: defaultDays('2031-10-06'), trainers: [await sessionTrainer()] }) }).expect(201);
    enrolmentSessionId = res.body.id as string;
  }
  return enrolmentSessionId;
}
let importSessionId: string | undefined;
/** A session of its own for the CSV import cases. */
async function importSession(): Promise<string> {
  if (!importSessionId) {
    const res = await call('post', '/sessions', { token: coordinator.token, body: sessionBody({ days: defaultDays('2031-11-03'), trainers: [await sessionTrainer()] }) }).expect(201);
    importSessionId = res.body.id as string;
  }
  return importSessionId;
}
/** A CSV import (multipart, the field `file`). */
function importCsv(sessionId: string, options: { token?: string; file: Buffer }): Test {
  let test = request(app).post(`${SERVER_URL}/sessions/${sessionId}/enrolments/import`).set('X-Forwarded-For', nextAddress());
  if (options.token) test = test.set('Authorization', `Bearer ${options.token}`);
  return test.attach('file', options.file, { filename: 'participants.csv', contentType: 'text/csv' });
}
let heldSessionId: string | undefined;
/** A session held last winter (coordinators record past training), with the stakeholder enrolled. */
async function heldSession(): Promise<string> {
  if (!heldSessionId) {
    const res = await call('post', '/sessions', { token: coordinator.token, body: sessionBody({ days: defaultDays('2026-02-02'), trainers: [await sessionTrainer()] }) }).expect(201);
    heldSessionId = res.body.id as string;
    await call('post', `/sessions/${heldSessionId}/enrolments`, { token: coordinator.token, body: { email: stakeholder.email } }).expect(201);
  }
  return heldSessionId;
}
let todaySessionId: string | undefined;
/** A session whose day 1 is under way now (its days moved around the real clock), with the stakeholder enrolled: for check-in. */
async function todaySession(): Promise<string> {
  if (!todaySessionId) {
    const res = await call('post', '/sessions', { token: coordinator.token, body: sessionBody({ days: defaultDays('2031-12-08'), trainers: [await sessionTrainer()] }) }).expect(201);
    todaySessionId = res.body.id as string;
    await call('post', `/sessions/${todaySessionId}/enrolments`, { token: coordinator.token, body: { email: stakeholder.email } }).expect(201);
    const now = Date.now();
    await TrainingSession.updateOne({ _id: todaySessionId }, { $set: { 'days.0.startsAt': new Date(now - 3_600_000), 'days.0.endsAt': new Date(now + 6 * 3_600_000) } });
  }
  return todaySessionId;
}
const openTodayCode = async () => (await call('post', `/sessions/${await todaySession()}/days/1/check-in-code`, { token: coordinator.token, body: {} }).expect(201)).body.code as string;
/** The first open session (the 201 case makes one). */
async function anySessionId(): Promise<string> {
  return String((await TrainingSession.findOne({ status: 'open' }).sort({ _id: 1 }).lean())!._id);
}

/** The module's draft, started by an administrator if it has none. */
async function draftOf(slug: string) {
  const existing = await CourseVersion.findOne({ course: slug, status: 'draft' }).lean();
  if (existing) return existing;
  await call('post', `/courses/${slug}/versions`, { token: admin.token }).expect(201);
  return (await CourseVersion.findOne({ course: slug, status: 'draft' }).lean())!;
}

const endsWith = (code: string) => (res: Response) => expect(String(res.body.type)).toMatch(new RegExp(`/${code}$`));

/** A multipart resource upload (the one operation whose body is not JSON). */
const RESOURCE_PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
async function uploadResource(version: string, options: { token?: string; revision?: number; file?: Buffer; filename?: string } = {}): Promise<Response> {
  const draft = await CourseVersion.findOne({ course: 'local-strategy', status: 'draft' }).lean();
  let test = request(app).post(`${SERVER_URL}/courses/local-strategy/versions/${version}/resources`).set('X-Forwarded-For', nextAddress());
  if (options.token) test = test.set('Authorization', `Bearer ${options.token}`);
  test = test.field('revision', String(options.revision ?? draft?.revision ?? 0));
  return options.file === undefined ? test : test.attach('file', options.file, { filename: options.filename ?? 'handout.pdf' });
}
const latestDraftResource = async () => {
  const draft = (await CourseVersion.findOne({ course: 'local-strategy', status: 'draft' }).lean())!;
  return { draft, id: String(draft.resources.at(-1)!.fileId) };
};

interface Case {
  /** A request (supertest's Test is a promise of its response). */
  send: () => PromiseLike<Response>;
  check?: (res: Response) => void | Promise<void>;
}

let created = 0;
const newAccount = (overrides: Record<string, unknown> = {}) => {
  created += 1;
  return { email: `described-${created}@example.org`, name: `Described ${created}`, country: 'BE', ...overrides };
};

/**
 * For each operation and each status its description documents, requests that produce that
 * status. Run in this order, one after another.
 */
const CASES: Record<string, Partial<Record<number, Case[]>>> = {
  listCountries: {
    200: [{ send: () => call('get', '/countries') }, { send: () => call('get', '/countries?lang=el&pageSize=3&page=2') }],
    400: [{ send: () => call('get', `/countries?pageSize=${MAX_PAGE_SIZE + 1}`) }],
    401: [{ send: () => call('get', '/countries', { token: BAD_TOKEN }), check: endsWith('invalid-token') }],
  },
  listCities: {
    200: [{ send: () => call('get', '/cities') }, { send: () => call('get', '/cities?country=be&lang=nl') }],
    400: [{ send: () => call('get', '/cities?country=Belgium') }],
    401: [{ send: () => call('get', '/cities', { token: BAD_TOKEN }) }],
  },
  listOrganisations: {
    200: [{ send: () => call('get', '/organisations') }, { send: () => call('get', '/organisations?type=city&country=ES') }],
    400: [{ send: () => call('get', '/organisations?type=club') }],
    401: [{ send: () => call('get', '/organisations', { token: BAD_TOKEN }) }],
  },
  register: {
    202: [
      { send: () => call('post', '/auth/register', { body: newAccount({ email: 'registrant@example.org', password: PASSWORD, language: 'fr' }) }) },
      // An address with an account gets the same answer.
      { send: () => call('post', '/auth/register', { body: newAccount({ email: stakeholder.email, password: PASSWORD }) }), check: (res) => expect(res.body).toEqual({ status: 'verification-sent', email: stakeholder.email }) },
    ],
    400: [
      { send: () => call('post', '/auth/register', { body: newAccount({ email: 'not an address', password: PASSWORD }) }) },
      { send: () => call('post', '/auth/register', { raw: '{"email": ' }), check: endsWith('malformed-json') },
    ],
    401: [{ send: () => call('post', '/auth/register', { token: BAD_TOKEN, body: newAccount({ password: PASSWORD }) }) }],
    413: [{ send: () => call('post', '/auth/register', { raw: TOO_LARGE }) }],
    429: [{ send: () => pastTheLimit('post', '/auth/register', 10) }],
  },
  createToken: {
    201: [
      { send: () => call('post', '/auth/tokens', { body: { email: stakeholder.email, password: PASSWORD, name: 'script' } }) },
      { send: () => call('post', '/auth/tokens', { body: { email: admin.email, password: PASSWORD, otp: admin.phone!.nextCode() } }) },
    ],
    400: [{ send: () => call('post', '/auth/tokens', { body: { email: stakeholder.email } }) }],
    401: [
      { send: () => call('post', '/auth/tokens', { body: { email: stakeholder.email, password: 'not the password' } }), check: endsWith('invalid-credentials') },
      { send: () => call('post', '/auth/tokens', { body: { email: admin.email, password: PASSWORD } }), check: endsWith('otp-required') },
    ],
    403: [
      {
        send: () => call('post', '/auth/tokens', { body: { email: coordinatorWithoutTwoFactor.email, password: PASSWORD } }),
        check: endsWith('two-factor-setup-required'),
      },
    ],
    413: [{ send: () => call('post', '/auth/tokens', { raw: TOO_LARGE }) }],
    429: [{ send: () => pastTheLimit('post', '/auth/tokens', 10) }],
  },
  listTokens: {
    200: [
      {
        send: () => call('get', '/auth/tokens', { token: stakeholder.token }),
        check: (res) => expect(res.body.items.filter((token: { current: boolean }) => token.current)).toHaveLength(1),
      },
    ],
    401: [{ send: () => call('get', '/auth/tokens') }],
  },
  revokeCurrentToken: {
    204: [
      {
        send: async () => call('delete', '/auth/tokens/current', { token: (await createApiToken(stakeholder.id, 'to sign out')).token }),
      },
    ],
    401: [{ send: () => call('delete', '/auth/tokens/current') }],
  },
  revokeToken: {
    204: [{ send: async () => call('delete', `/auth/tokens/${(await createApiToken(stakeholder.id, 'spare')).id}`, { token: stakeholder.token }) }],
    401: [{ send: () => call('delete', `/auth/tokens/${NO_SUCH_ID}`) }],
    404: [
      { send: () => call('delete', `/auth/tokens/${NO_SUCH_ID}`, { token: stakeholder.token }) },
      // Someone else's token is not found either.
      { send: async () => call('delete', `/auth/tokens/${(await createApiToken(admin.id, 'not yours')).id}`, { token: stakeholder.token }) },
    ],
  },
  getMe: {
    200: [{ send: () => call('get', '/me', { token: stakeholder.token }) }, { send: () => call('get', '/me', { token: admin.token }) }],
    401: [{ send: () => call('get', '/me') }, { send: () => call('get', '/me', { token: BAD_TOKEN }), check: endsWith('invalid-token') }],
  },
  updateMe: {
    200: [
      { send: () => call('patch', '/me', { token: stakeholder.token, body: { sector: 'education', city: 'be-liege', organisation: 'Somewhere else' } }) },
      { send: () => call('patch', '/me', { token: stakeholder.token, body: { city: null, organisation: '', sector: null } }) },
    ],
    400: [{ send: () => call('patch', '/me', { token: stakeholder.token, body: { email: 'new@example.org' } }) }],
    401: [{ send: () => call('patch', '/me', { body: { sector: 'education' } }) }],
    413: [{ send: () => call('patch', '/me', { token: stakeholder.token, raw: TOO_LARGE }) }],
  },
  listUsers: {
    200: [
      { send: () => call('get', '/users', { token: admin.token }) },
      { send: () => call('get', '/users?role=stakeholder&country=be&pageSize=2', { token: coordinator.token }) },
    ],
    400: [
      { send: () => call('get', `/users?pageSize=${MAX_PAGE_SIZE + 1}`, { token: admin.token }) },
      { send: () => call('get', '/users?sort=email', { token: admin.token }) },
    ],
    401: [{ send: () => call('get', '/users') }],
    403: [{ send: () => call('get', '/users', { token: stakeholder.token }) }],
  },
  createUser: {
    201: [
      {
        send: () => call('post', '/users', { token: admin.token, body: newAccount({ roles: ['trainer'], password: PASSWORD, city: 'be-liege' }) }),
        check: (res) => expect(res.body).not.toHaveProperty('invitationSent'),
      },
      {
        send: () => call('post', '/users', { token: coordinator.token, body: newAccount({ roles: ['stakeholder'] }) }),
        check: (res) => expect(res.body.invitationSent).toBe(true),
      },
    ],
    400: [{ send: () => call('post', '/users', { token: admin.token, body: newAccount({ roles: [] }) }) }],
    401: [{ send: () => call('post', '/users', { body: newAccount({ roles: ['trainer'] }) }) }],
    403: [
      { send: () => call('post', '/users', { token: stakeholder.token, body: newAccount({ roles: ['trainer'] }) }) },
      { send: () => call('post', '/users', { token: coordinator.token, body: newAccount({ roles: ['admin'] }) }) },
    ],
    409: [{ send: () => call('post', '/users', { token: admin.token, body: newAccount({ email: target.email, roles: ['trainer'] }) }), check: endsWith('email-taken') }],
    413: [{ send: () => call('post', '/users', { token: admin.token, raw: TOO_LARGE }) }],
  },
  getUser: {
    200: [{ send: () => call('get', `/users/${target.id}`, { token: admin.token }) }, { send: () => call('get', `/users/${target.id}`, { token: coordinator.token }) }],
    401: [{ send: () => call('get', `/users/${target.id}`) }],
    403: [{ send: () => call('get', `/users/${target.id}`, { token: stakeholder.token }) }],
    404: [
      { send: () => call('get', `/users/${NO_SUCH_ID}`, { token: admin.token }) },
      { send: () => call('get', `/users/${target.id}`, { token: coordinatorElsewhere.token }) },
    ],
  },
  updateUser: {
    200: [
      { send: () => call('patch', `/users/${target.id}`, { token: admin.token, body: { roles: ['stakeholder', 'trainer'] } }) },
      { send: () => call('patch', `/users/${target.id}`, { token: coordinator.token, body: { status: 'disabled' } }) },
    ],
    400: [{ send: () => call('patch', `/users/${target.id}`, { token: admin.token, body: { status: 'gone' } }) }],
    401: [{ send: () => call('patch', `/users/${target.id}`, { body: { status: 'active' } }) }],
    403: [
      { send: () => call('patch', `/users/${target.id}`, { token: stakeholder.token, body: { status: 'active' } }) },
      { send: () => call('patch', `/users/${target.id}`, { token: coordinator.token, body: { roles: ['admin'] } }) },
    ],
    404: [{ send: () => call('patch', `/users/${NO_SUCH_ID}`, { token: admin.token, body: { status: 'active' } }) }],
    409: [{ send: () => call('patch', `/users/${admin.id}`, { token: admin.token, body: { status: 'disabled' } }), check: endsWith('self-lockout') }],
    413: [{ send: () => call('patch', `/users/${target.id}`, { token: admin.token, raw: TOO_LARGE }) }],
  },
  listAuditEvents: {
    200: [
      { send: () => call('get', '/audit-events', { token: admin.token }) },
      { send: () => call('get', `/audit-events?targetId=${target.id}&action=user.disabled`, { token: admin.token }) },
    ],
    400: [{ send: () => call('get', '/audit-events?action=user.deleted', { token: admin.token }) }],
    401: [{ send: () => call('get', '/audit-events') }],
    403: [{ send: () => call('get', '/audit-events', { token: coordinator.token }) }],
  },
  listCourses: {
    200: [{ send: () => call('get', '/courses') }, { send: () => call('get', '/courses?lang=pt&pageSize=2&page=2', { token: admin.token }) }],
    400: [{ send: () => call('get', `/courses?pageSize=${MAX_PAGE_SIZE + 1}`) }],
    401: [{ send: () => call('get', '/courses', { token: BAD_TOKEN }), check: endsWith('invalid-token') }],
  },
  getCourseVersion: {
    200: [
      { send: () => call('get', '/courses/awareness/versions/latest?lang=fr'), check: (res) => expect(res.body.quiz.questions[0]).not.toHaveProperty('correct') },
      { send: () => call('get', '/courses/schools/versions/1.0.0', { token: admin.token }), check: (res) => expect(res.body.quiz.questions[0].correct.length).toBeGreaterThan(0) },
    ],
    400: [{ send: () => call('get', '/courses/awareness/versions/latest?lang=xx') }],
    401: [{ send: () => call('get', '/courses/awareness/versions/latest', { token: BAD_TOKEN }) }],
    404: [{ send: () => call('get', '/courses/no-such-course/versions/latest') }, { send: () => call('get', '/courses/awareness/versions/9.9.9') }],
  },
  diffCourseVersions: {
    200: [
      { send: () => call('get', '/courses/awareness/diff?from=1.0.0&to=latest'), check: (res) => expect(res.body.summary.lessons).toMatchObject({ added: 1, changed: 1 }) },
      { send: () => call('get', '/courses/awareness/diff?from=1.1.0&to=1.0.0&lang=fr', { token: admin.token }), check: (res) => expect(res.body.summary.lessons).toMatchObject({ removed: 1, changed: 1 }) },
    ],
    400: [{ send: () => call('get', '/courses/awareness/diff?from=1.0.0') }, { send: () => call('get', '/courses/awareness/diff?from=1.0.0&to=1.1.0&lang=xx') }],
    401: [{ send: () => call('get', '/courses/awareness/diff?from=1.0.0&to=1.1.0', { token: BAD_TOKEN }) }],
    404: [{ send: () => call('get', '/courses/no-such-course/diff?from=1.0.0&to=1.1.0') }, { send: () => call('get', '/courses/awareness/diff?from=1.0.0&to=9.9.9') }],
  },
  startCourseDraft: {
    201: [{ send: () => call('post', '/courses/local-strategy/versions', { token: coordinator.token }), check: (res) => expect(res.body).toMatchObject({ version: '1.1.0', status: 'draft', revision: 0 }) }],
    401: [{ send: () => call('post', '/courses/local-strategy/versions') }],
    403: [{ send: () => call('post', '/courses/local-strategy/versions', { token: stakeholder.token }) }],
    404: [{ send: () => call('post', '/courses/no-such-course/versions', { token: admin.token }) }],
    409: [{ send: () => call('post', '/courses/local-strategy/versions', { token: admin.token }), check: endsWith('draft-exists') }],
  },
  editCourseLesson: {
    200: [
      {
        send: async () => {
          const draft = await CourseVersion.findOne({ course: 'local-strategy', status: 'draft' }).lean();
          return call('put', `/courses/local-strategy/versions/${draft!.version}/lessons/evaluation`, {
            token: admin.token,
            body: { lang: 'en', title: 'Monitoring and evaluation', body: 'A revised text.', minutes: 30, revision: draft!.revision },
          });
        },
      },
    ],
    400: [{ send: () => call('put', '/courses/local-strategy/versions/1.1.0/lessons/evaluation', { token: admin.token, body: { lang: 'en' } }) }],
    401: [{ send: () => call('put', '/courses/local-strategy/versions/1.1.0/lessons/evaluation', { body: {} }) }],
    403: [{ send: () => call('put', '/courses/local-strategy/versions/1.1.0/lessons/evaluation', { token: stakeholder.token, body: {} }) }],
    404: [{ send: () => call('put', '/courses/local-strategy/versions/1.1.0/lessons/no-such-lesson', { token: admin.token, body: { lang: 'en', title: 'T', body: 'B', revision: 1 } }) }],
    409: [
      { send: () => call('put', '/courses/local-strategy/versions/1.1.0/lessons/evaluation', { token: admin.token, body: { lang: 'en', title: 'T', body: 'B', revision: 0 } }), check: endsWith('stale-revision') },
      { send: () => call('put', '/courses/awareness/versions/1.0.0/lessons/signs-and-context', { token: admin.token, body: { lang: 'en', title: 'T', body: 'B', revision: 0 } }), check: endsWith('immutable') },
    ],
    413: [{ send: () => call('put', '/courses/local-strategy/versions/1.1.0/lessons/evaluation', { token: admin.token, raw: TOO_LARGE }) }],
  },
  addCourseLesson: {
    201: [
      {
        send: async () => {
          const draft = await draftOf('disengagement');
          return call('post', `/courses/disengagement/versions/${draft.version}/lessons`, {
            token: coordinator.token,
            body: { lang: 'en', title: 'Working with probation', body: 'A new lesson.', minutes: 20, position: 0, revision: draft.revision },
          });
        },
        check: (res) => expect(res.body.lesson).toMatchObject({ key: 'working-with-probation', title: 'Working with probation' }),
      },
    ],
    400: [
      {
        send: async () => {
          const draft = await draftOf('disengagement');
          return call('post', `/courses/disengagement/versions/${draft.version}/lessons`, {
            token: admin.token,
            body: { lang: 'en', title: 'Again', body: 'Taken key.', minutes: 5, key: 'working-with-probation', revision: draft.revision },
          });
        },
        check: (res) => expect(res.body.errors[0].path).toBe('key'),
      },
      { send: () => call('post', '/courses/disengagement/versions/1.1.0/lessons', { token: admin.token, body: { lang: 'en', title: 'No body', minutes: 5, revision: 0 } }) },
    ],
    401: [{ send: () => call('post', '/courses/disengagement/versions/1.1.0/lessons', { body: {} }) }],
    403: [{ send: () => call('post', '/courses/disengagement/versions/1.1.0/lessons', { token: stakeholder.token, body: {} }) }],
    404: [{ send: () => call('post', '/courses/disengagement/versions/9.9.9/lessons', { token: admin.token, body: { lang: 'en', title: 'T', body: 'B', minutes: 5, revision: 0 } }) }],
    409: [{ send: () => call('post', '/courses/disengagement/versions/1.0.0/lessons', { token: admin.token, body: { lang: 'en', title: 'T', body: 'B', minutes: 5, revision: 0 } }), check: endsWith('immutable') }],
    413: [{ send: () => call('post', '/courses/disengagement/versions/1.1.0/lessons', { token: admin.token, raw: TOO_LARGE }) }],
  },
  removeCourseLesson: {
    200: [
      {
        send: async () => {
          const draft = await draftOf('disengagement');
          return call('delete', `/courses/disengagement/versions/${draft.version}/lessons/working-with-probation?revision=${draft.revision}`, { token: admin.token });
        },
        check: (res) => expect(res.body.lessons.map((lesson: { key: string }) => lesson.key)).not.toContain('working-with-probation'),
      },
    ],
    400: [{ send: () => call('delete', '/courses/disengagement/versions/1.1.0/lessons/anything?revision=minus-one', { token: admin.token }) }],
    401: [{ send: () => call('delete', '/courses/disengagement/versions/1.1.0/lessons/anything?revision=0') }],
    403: [{ send: () => call('delete', '/courses/disengagement/versions/1.1.0/lessons/anything?revision=0', { token: stakeholder.token }) }],
    404: [
      {
        send: async () => {
          const draft = await draftOf('disengagement');
          return call('delete', `/courses/disengagement/versions/${draft.version}/lessons/no-such-lesson?revision=${draft.revision}`, { token: admin.token });
        },
      },
    ],
    409: [{ send: () => call('delete', '/courses/disengagement/versions/1.1.0/lessons/anything?revision=0', { token: admin.token }), check: endsWith('stale-revision') }],
  },
  orderCourseLessons: {
    200: [
      {
        send: async () => {
          const draft = await draftOf('disengagement');
          const order = draft.lessons.map((lesson) => lesson.key).reverse();
          return call('put', `/courses/disengagement/versions/${draft.version}/order`, { token: admin.token, body: { order, revision: draft.revision } });
        },
      },
    ],
    400: [
      {
        send: async () => {
          const draft = await draftOf('disengagement');
          return call('put', `/courses/disengagement/versions/${draft.version}/order`, { token: admin.token, body: { order: ['only-one'], revision: draft.revision } });
        },
        check: (res) => expect(res.body.errors[0].path).toBe('order'),
      },
    ],
    401: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/order', { body: {} }) }],
    403: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/order', { token: stakeholder.token, body: {} }) }],
    404: [{ send: () => call('put', '/courses/no-such-course/versions/1.1.0/order', { token: admin.token, body: { order: ['a'], revision: 0 } }) }],
    409: [{ send: () => call('put', '/courses/disengagement/versions/1.0.0/order', { token: admin.token, body: { order: ['a'], revision: 0 } }), check: endsWith('immutable') }],
    413: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/order', { token: admin.token, raw: TOO_LARGE }) }],
  },
  editCourseCheck: {
    200: [
      {
        send: async () => {
          const draft = await draftOf('disengagement');
          const questions = draft.questions.map((question) => ({
            key: question.key,
            prompt: question.text.fr!.prompt,
            options: question.optionKeys.map((key) => ({ key, text: question.text.fr!.options[key]! })),
            correct: question.correct,
            feedback: question.text.fr!.feedback,
          }));
          return call('put', `/courses/disengagement/versions/${draft.version}/check`, { token: admin.token, body: { lang: 'fr', questions, revision: draft.revision } });
        },
        check: (res) => expect(res.body.lang).toBe('fr'),
      },
    ],
    400: [
      {
        send: async () => {
          const draft = await draftOf('disengagement');
          return call('put', `/courses/disengagement/versions/${draft.version}/check`, {
            token: admin.token,
            body: { lang: 'en', revision: draft.revision, questions: [{ key: 'q', prompt: 'P', options: [{ key: 'a', text: 'A' }, { key: 'b', text: 'B' }], correct: ['c'], feedback: 'F' }] },
          });
        },
        check: (res) => expect(res.body.errors[0].path).toBe('questions.0.correct'),
      },
    ],
    401: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/check', { body: {} }) }],
    403: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/check', { token: stakeholder.token, body: {} }) }],
    404: [{ send: () => call('put', '/courses/disengagement/versions/9.9.9/check', { token: admin.token, body: { lang: 'en', revision: 0, questions: [{ key: 'q', prompt: 'P', options: [{ key: 'a', text: 'A' }, { key: 'b', text: 'B' }], correct: ['a'], feedback: 'F' }] } }) }],
    409: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/check', { token: admin.token, body: { lang: 'en', revision: 0, questions: [{ key: 'q', prompt: 'P', options: [{ key: 'a', text: 'A' }, { key: 'b', text: 'B' }], correct: ['a'], feedback: 'F' }] } }), check: endsWith('stale-revision') }],
    413: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/check', { token: admin.token, raw: TOO_LARGE }) }],
  },
  editCourseChangelog: {
    200: [
      {
        send: async () => {
          const draft = await draftOf('disengagement');
          return call('put', `/courses/disengagement/versions/${draft.version}/changelog`, { token: admin.token, body: { lang: 'en', text: 'Lessons reordered.', revision: draft.revision } });
        },
        check: (res) => expect(res.body.changelog).toBe('Lessons reordered.'),
      },
    ],
    400: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/changelog', { token: admin.token, body: { lang: 'xx', text: 'T', revision: 0 } }) }],
    401: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/changelog', { body: {} }) }],
    403: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/changelog', { token: stakeholder.token, body: {} }) }],
    404: [{ send: () => call('put', '/courses/disengagement/versions/9.9.9/changelog', { token: admin.token, body: { lang: 'en', text: 'T', revision: 0 } }) }],
    409: [{ send: () => call('put', '/courses/disengagement/versions/1.0.0/changelog', { token: admin.token, body: { lang: 'en', text: 'T', revision: 0 } }), check: endsWith('immutable') }],
    413: [{ send: () => call('put', '/courses/disengagement/versions/1.1.0/changelog', { token: admin.token, raw: TOO_LARGE }) }],
  },
  archiveCourseVersion: {
    200: [{ send: () => call('post', '/courses/awareness/versions/1.0.0/archive', { token: coordinator.token }), check: (res) => expect(res.body.status).toBe('archived') }],
    401: [{ send: () => call('post', '/courses/awareness/versions/1.0.0/archive') }],
    403: [{ send: () => call('post', '/courses/awareness/versions/1.0.0/archive', { token: stakeholder.token }) }],
    404: [{ send: () => call('post', '/courses/awareness/versions/9.9.9/archive', { token: admin.token }) }],
    409: [
      { send: () => call('post', '/courses/awareness/versions/1.0.0/archive', { token: admin.token }), check: endsWith('not-published') },
      { send: () => call('post', '/courses/awareness/versions/1.1.0/archive', { token: admin.token }), check: endsWith('latest-published') },
    ],
  },
  getCourseTranslationStatus: {
    200: [
      {
        send: () => call('get', '/courses/schools/versions/latest/translation-status', { token: coordinator.token }),
        check: (res) => {
          const byLang = Object.fromEntries(res.body.languages.map((entry: { lang: string; share: number }) => [entry.lang, entry.share]));
          expect(byLang).toMatchObject({ en: 1, fr: 1, pt: 0 });
        },
      },
    ],
    401: [{ send: () => call('get', '/courses/schools/versions/latest/translation-status') }],
    403: [{ send: () => call('get', '/courses/schools/versions/latest/translation-status', { token: stakeholder.token }) }],
    404: [{ send: () => call('get', '/courses/schools/versions/9.9.9/translation-status', { token: admin.token }) }],
  },
  uploadCourseResource: {
    201: [{ send: () => uploadResource('1.1.0', { token: admin.token, file: RESOURCE_PDF }), check: (res) => expect(res.body.resource).toMatchObject({ name: 'handout.pdf', contentType: 'application/pdf' }) }],
    400: [{ send: () => uploadResource('1.1.0', { token: admin.token }) }],
    401: [{ send: () => uploadResource('1.1.0', { file: RESOURCE_PDF }) }],
    403: [{ send: () => uploadResource('1.1.0', { token: stakeholder.token, file: RESOURCE_PDF }) }],
    404: [{ send: () => uploadResource('9.9.9', { token: admin.token, file: RESOURCE_PDF }) }],
    409: [
      { send: () => uploadResource('1.1.0', { token: admin.token, file: RESOURCE_PDF, revision: 0 }), check: endsWith('stale-revision') },
      { send: () => call('post', '/courses/awareness/versions/1.0.0/resources', { token: admin.token }), check: endsWith('immutable') },
    ],
    413: [{ send: () => uploadResource('1.1.0', { token: admin.token, file: Buffer.concat([RESOURCE_PDF, Buffer.alloc(25 * 1024 * 1024)]) }), check: endsWith('resource-too-large') }],
    415: [{ send: () => uploadResource('1.1.0', { token: admin.token, file: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(600)]), filename: 'setup.pdf' }), check: endsWith('unsupported-resource-type') }],
  },
  removeCourseResource: {
    200: [
      {
        send: async () => {
          const { draft, id } = await latestDraftResource();
          return call('delete', `/courses/local-strategy/versions/1.1.0/resources/${id}?revision=${draft.revision}`, { token: admin.token });
        },
      },
    ],
    400: [{ send: () => call('delete', `/courses/local-strategy/versions/1.1.0/resources/${NO_SUCH_ID}`, { token: admin.token }) }],
    401: [{ send: () => call('delete', `/courses/local-strategy/versions/1.1.0/resources/${NO_SUCH_ID}?revision=0`) }],
    403: [{ send: () => call('delete', `/courses/local-strategy/versions/1.1.0/resources/${NO_SUCH_ID}?revision=0`, { token: stakeholder.token }) }],
    404: [
      {
        send: async () => {
          const draft = (await CourseVersion.findOne({ course: 'local-strategy', status: 'draft' }).lean())!;
          return call('delete', `/courses/local-strategy/versions/1.1.0/resources/${NO_SUCH_ID}?revision=${draft.revision}`, { token: admin.token });
        },
      },
    ],
    409: [{ send: () => call('delete', `/courses/awareness/versions/1.0.0/resources/${NO_SUCH_ID}?revision=0`, { token: admin.token }), check: endsWith('immutable') }],
  },
  publishCourseVersion: {
    200: [{ send: () => call('post', '/courses/local-strategy/versions/1.1.0/publish', { token: coordinator.token, body: { changelog: 'Revised the evaluation lesson.' } }), check: (res) => expect(res.body.status).toBe('published') }],
    400: [{ send: () => call('post', '/courses/local-strategy/versions/1.1.0/publish', { token: admin.token, body: { changelog: 5 } }) }],
    401: [{ send: () => call('post', '/courses/local-strategy/versions/1.1.0/publish', { body: {} }) }],
    403: [{ send: () => call('post', '/courses/local-strategy/versions/1.1.0/publish', { token: stakeholder.token, body: {} }) }],
    404: [{ send: () => call('post', '/courses/local-strategy/versions/9.9.9/publish', { token: admin.token, body: {} }) }],
    409: [{ send: () => call('post', '/courses/local-strategy/versions/1.1.0/publish', { token: admin.token, body: {} }), check: endsWith('immutable') }],
    413: [{ send: () => call('post', '/courses/local-strategy/versions/1.1.0/publish', { token: admin.token, raw: TOO_LARGE }) }],
  },
  markCourseLessonDone: {
    200: [{ send: () => call('post', '/courses/schools/progress', { token: stakeholder.token, body: { lessonKey: 'school-climate' } }), check: (res) => expect(res.body.completedLessons).toEqual(['school-climate']) }],
    400: [{ send: () => call('post', '/courses/schools/progress', { token: stakeholder.token, body: { lessonKey: { $ne: null } } }) }],
    401: [{ send: () => call('post', '/courses/schools/progress', { body: { lessonKey: 'school-climate' } }) }],
    404: [
      { send: () => call('post', '/courses/no-such-module/progress', { token: stakeholder.token, body: { lessonKey: 'x' } }) },
      { send: () => call('post', '/courses/schools/progress', { token: stakeholder.token, body: { lessonKey: 'no-such-lesson' } }) },
    ],
    413: [{ send: () => call('post', '/courses/schools/progress', { token: stakeholder.token, raw: TOO_LARGE }) }],
  },
  getCourseProgress: {
    200: [
      {
        send: async () => {
          await call('post', '/courses/family-support/progress', { token: stakeholder.token, body: { lessonKey: 'children' } });
          return call('get', '/courses/family-support/progress', { token: stakeholder.token });
        },
        check: (res) => expect(res.body).toMatchObject({ version: '1.0.0', latestVersion: '1.0.0', completedLessons: ['children'] }),
      },
      { send: () => call('get', '/courses/awareness/progress', { token: admin.token }), check: (res) => expect(res.body).toMatchObject({ version: null, completedLessons: [] }) },
    ],
    401: [{ send: () => call('get', '/courses/schools/progress') }],
    404: [{ send: () => call('get', '/courses/no-such-module/progress', { token: stakeholder.token }) }],
  },
  scheduleSession: {
    201: [{ send: () => call('post', '/sessions', { token: coordinator.token, body: sessionBody() }), check: (res) => expect(res.body).toMatchObject({ status: 'open', seatsTaken: 0, warnings: [] }) }],
    400: [{ send: () => call('post', '/sessions', { token: coordinator.token, body: sessionBody({ capacity: 0 }) }), check: (res) => expect(res.body.errors[0].path).toBe('capacity') }],
    401: [{ send: () => call('post', '/sessions', { body: sessionBody() }) }],
    403: [{ send: () => call('post', '/sessions', { token: stakeholder.token, body: sessionBody() }) }, { send: () => call('post', '/sessions', { token: coordinatorElsewhere.token, body: sessionBody() }) }],
    409: [
      {
        send: async () => {
          const trainerId = await sessionTrainer();
          await call('post', '/sessions', { token: coordinator.token, body: sessionBody({ trainers: [trainerId], days: defaultDays('2032-03-01') }) }).expect(201);
          return call('post', '/sessions', { token: coordinator.token, body: sessionBody({ trainers: [trainerId], days: defaultDays('2032-03-02') }) });
        },
        check: endsWith('trainer-booked'),
      },
    ],
    413: [{ send: () => call('post', '/sessions', { token: coordinator.token, raw: TOO_LARGE }) }],
  },
  listSessions: {
    200: [{ send: () => call('get', '/sessions') }, { send: () => call('get', '/sessions?country=BE&course=awareness&from=2030-01-01&lang=fr&pageSize=5') }],
    400: [{ send: () => call('get', '/sessions?from=yesterday') }],
    401: [{ send: () => call('get', '/sessions', { token: BAD_TOKEN }) }],
  },
  getSession: {
    200: [{ send: async () => call('get', `/sessions/${await anySessionId()}?lang=nl`) }],
    400: [{ send: async () => call('get', `/sessions/${await anySessionId()}?lang=xx`) }],
    401: [{ send: async () => call('get', `/sessions/${await anySessionId()}`, { token: BAD_TOKEN }) }],
    404: [{ send: () => call('get', `/sessions/${NO_SUCH_ID}`) }],
  },
  exportAttendance: {
    200: [{ send: () => call('get', '/reports/attendance?format=csv&separator=;', { token: admin.token }), check: (res) => expect(res.text).toMatch(/^\uFEFF?Session;/) }],
    400: [{ send: () => call('get', '/reports/attendance?format=docx', { token: admin.token }) }],
    401: [{ send: () => call('get', '/reports/attendance?format=csv') }],
    403: [
      { send: () => call('get', '/reports/attendance?format=csv', { token: stakeholder.token }) },
      { send: () => call('get', '/reports/attendance?format=csv&country=BE', { token: coordinatorElsewhere.token }), check: endsWith('outside-scope') },
    ],
  },
  getSessionCalendar: {
    200: [{ send: async () => call('get', `/sessions/${await anySessionId()}.ics`), check: (res) => expect(res.text).toMatch(/^BEGIN:VCALENDAR\r\n/) }],
    401: [{ send: async () => call('get', `/sessions/${await anySessionId()}.ics`, { token: BAD_TOKEN }) }],
    404: [{ send: () => call('get', `/sessions/${NO_SUCH_ID}.ics`) }],
  },
  updateSession: {
    200: [{ send: async () => call('patch', `/sessions/${await anySessionId()}`, { token: coordinator.token, body: { capacity: 25 } }), check: (res) => expect(res.body.capacity).toBe(25) }],
    400: [{ send: async () => call('patch', `/sessions/${await anySessionId()}`, { token: coordinator.token, body: { capacity: 'many' } }) }],
    401: [{ send: async () => call('patch', `/sessions/${await anySessionId()}`, { body: { capacity: 25 } }) }],
    403: [{ send: async () => call('patch', `/sessions/${await anySessionId()}`, { token: coordinatorElsewhere.token, body: { capacity: 25 } }) }],
    404: [{ send: () => call('patch', `/sessions/${NO_SUCH_ID}`, { token: admin.token, body: { capacity: 25 } }) }],
    409: [
      {
        send: async () => {
          const id = await anySessionId();
          await call('post', `/sessions/${id}/enrolments`, { token: stakeholder.token, body: {} }).expect(201);
          await call('post', `/sessions/${id}/enrolments`, { token: (await makePerson(['stakeholder'])).token, body: {} }).expect(201);
          return call('patch', `/sessions/${id}`, { token: coordinator.token, body: { capacity: 1 } });
        },
        check: endsWith('capacity-below-seats'),
      },
    ],
    413: [{ send: async () => call('patch', `/sessions/${await anySessionId()}`, { token: coordinator.token, raw: TOO_LARGE }) }],
  },
  cancelSession: {
    200: [{ send: async () => call('post', `/sessions/${await anySessionId()}/cancel`, { token: coordinator.token }), check: (res) => expect(res.body.status).toBe('cancelled') }],
    401: [{ send: async () => call('post', `/sessions/${NO_SUCH_ID}/cancel`) }],
    403: [{ send: async () => call('post', `/sessions/${(await TrainingSession.findOne({ status: 'open' }).lean())!._id}/cancel`, { token: coordinatorElsewhere.token }) }],
    404: [{ send: () => call('post', `/sessions/${NO_SUCH_ID}/cancel`, { token: admin.token }) }],
    409: [{ send: async () => call('post', `/sessions/${(await TrainingSession.findOne({ status: 'cancelled' }).lean())!._id}/cancel`, { token: admin.token }), check: endsWith('session-cancelled') }],
  },
  enrol: {
    201: [
      { send: async () => call('post', `/sessions/${await enrolmentSession()}/enrolments`, { token: admin.token, body: {} }), check: (res) => expect(res.body).toMatchObject({ userId: admin.id, status: 'enrolled' }) },
      {
        send: async () => {
          const id = await enrolmentSession();
          await call('post', `/sessions/${id}/enrolments`, { token: stakeholder.token, body: {} }).expect(201);
          return call('post', `/sessions/${id}/enrolments`, { token: coordinator.token, body: { email: (await makePerson(['stakeholder'])).email } });
        },
        check: (res) => expect(res.body).toMatchObject({ status: 'waitlisted', position: 1 }),
      },
    ],
    202: [
      {
        send: async () => call('post', `/sessions/${await enrolmentSession()}/enrolments`, { token: coordinator.token, body: { email: (await makePerson(['stakeholder'], { country: 'SE' })).email } }),
        check: (res) => expect(res.body).toMatchObject({ status: 'invited' }),
      },
    ],
    400: [{ send: async () => call('post', `/sessions/${await enrolmentSession()}/enrolments`, { token: coordinator.token, body: { email: 'not an address' } }) }],
    401: [{ send: async () => call('post', `/sessions/${await enrolmentSession()}/enrolments`, { body: {} }) }],
    403: [{ send: async () => call('post', `/sessions/${await enrolmentSession()}/enrolments`, { token: stakeholder.token, body: { email: admin.email } }) }],
    404: [{ send: () => call('post', `/sessions/${NO_SUCH_ID}/enrolments`, { token: stakeholder.token, body: {} }) }],
    409: [{ send: async () => call('post', `/sessions/${await enrolmentSession()}/enrolments`, { token: stakeholder.token, body: {} }), check: endsWith('already-enrolled') }],
    413: [{ send: async () => call('post', `/sessions/${await enrolmentSession()}/enrolments`, { token: stakeholder.token, raw: TOO_LARGE }) }],
  },
  cancelEnrolment: {
    204: [{ send: async () => call('delete', `/sessions/${await enrolmentSession()}/enrolments/me`, { token: stakeholder.token }) }],
    401: [{ send: async () => call('delete', `/sessions/${await enrolmentSession()}/enrolments/me`) }],
    403: [{ send: async () => call('delete', `/sessions/${await enrolmentSession()}/enrolments/${admin.id}`, { token: stakeholder.token }) }],
    404: [{ send: async () => call('delete', `/sessions/${await enrolmentSession()}/enrolments/me`, { token: stakeholder.token }) }],
  },
  listEnrolments: {
    200: [{ send: async () => call('get', `/sessions/${await enrolmentSession()}/enrolments`, { token: coordinator.token }), check: (res) => expect(res.body.items.map((item: { status: string }) => item.status)).toEqual(['enrolled', 'enrolled']) }],
    400: [{ send: async () => call('get', `/sessions/${await enrolmentSession()}/enrolments?pageSize=1000`, { token: coordinator.token }) }],
    401: [{ send: async () => call('get', `/sessions/${await enrolmentSession()}/enrolments`) }],
    403: [{ send: async () => call('get', `/sessions/${await enrolmentSession()}/enrolments`, { token: stakeholder.token }) }],
    404: [{ send: () => call('get', `/sessions/${NO_SUCH_ID}/enrolments`, { token: admin.token }) }],
  },
  listInvitations: {
    200: [
      {
        send: async () => {
          const id = await enrolmentSession();
          await call('post', `/sessions/${id}/enrolments`, { token: coordinator.token, body: { email: `listed-${serial}@example.org` } }).expect(202);
          return call('get', `/sessions/${id}/invitations`, { token: coordinator.token });
        },
        check: (res) => expect(res.body.items.length).toBeGreaterThan(0),
      },
    ],
    400: [{ send: async () => call('get', `/sessions/${await enrolmentSession()}/invitations?pageSize=1000`, { token: coordinator.token }) }],
    401: [{ send: async () => call('get', `/sessions/${await enrolmentSession()}/invitations`) }],
    403: [{ send: async () => call('get', `/sessions/${await enrolmentSession()}/invitations`, { token: stakeholder.token }) }],
    404: [{ send: () => call('get', `/sessions/${NO_SUCH_ID}/invitations`, { token: admin.token }) }],
  },
  withdrawInvitation: {
    204: [
      {
        send: async () => {
          const id = await enrolmentSession();
          const invited = await call('post', `/sessions/${id}/enrolments`, { token: coordinator.token, body: { email: `withdrawn-${serial}@example.org` } }).expect(202);
          return call('delete', `/sessions/${id}/invitations/${invited.body.invitationId as string}`, { token: coordinator.token });
        },
      },
    ],
    401: [{ send: async () => call('delete', `/sessions/${await enrolmentSession()}/invitations/${NO_SUCH_ID}`) }],
    403: [{ send: async () => call('delete', `/sessions/${await enrolmentSession()}/invitations/${NO_SUCH_ID}`, { token: stakeholder.token }) }],
    404: [{ send: async () => call('delete', `/sessions/${await enrolmentSession()}/invitations/${NO_SUCH_ID}`, { token: coordinator.token }) }],
  },
  importEnrolments: {
    200: [
      {
        send: async () => importCsv(await importSession(), { token: coordinator.token, file: Buffer.from(`name;email;sector\nImported Person;imported-${serial}@example.org;police\nNo Address;;\n`) }),
        check: (res) => expect(res.body).toMatchObject({ separator: ';', totals: { rows: 2, invited: 1, rejected: 1 } }),
      },
    ],
    400: [{ send: async () => importCsv(await importSession(), { token: coordinator.token, file: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) }), check: (res) => expect(res.body.errors[0].path).toBe('file') }],
    401: [{ send: async () => importCsv(await importSession(), { file: Buffer.from('name,email\n') }) }],
    403: [{ send: async () => importCsv(await importSession(), { token: stakeholder.token, file: Buffer.from('name,email\n') }) }],
    404: [{ send: () => importCsv(NO_SUCH_ID, { token: admin.token, file: Buffer.from('name,email\n') }) }],
    409: [
      {
        send: async () => {
          const res = await call('post', '/sessions', { token: coordinator.token, body: sessionBody({ days: defaultDays('2031-11-17'), trainers: [await sessionTrainer()] }) }).expect(201);
          await call('post', `/sessions/${res.body.id as string}/cancel`, { token: coordinator.token }).expect(200);
          return importCsv(res.body.id as string, { token: coordinator.token, file: Buffer.from('name,email\nLate,late@example.org\n') });
        },
        check: endsWith('session-not-open'),
      },
    ],
    413: [{ send: async () => importCsv(await importSession(), { token: coordinator.token, file: Buffer.concat([Buffer.from('name,email\n'), Buffer.alloc(2 * 1024 * 1024, 'a')]) }), check: endsWith('import-too-large') }],
    415: [{ send: async () => call('post', `/sessions/${await importSession()}/enrolments/import`, { token: coordinator.token, body: { file: 'name,email' } }) }],
  },
  recordAttendance: {
    200: [{ send: async () => call('put', `/sessions/${await heldSession()}/days/1/attendance`, { token: coordinator.token, body: { records: [{ userId: stakeholder.id, status: 'present' }] } }), check: (res) => expect(res.body.records).toHaveLength(1) }],
    400: [{ send: async () => call('put', `/sessions/${await heldSession()}/days/1/attendance`, { token: coordinator.token, body: { records: [{ userId: stakeholder.id, status: 'sleeping' }] } }) }],
    401: [{ send: async () => call('put', `/sessions/${await heldSession()}/days/1/attendance`, { body: {} }) }],
    403: [{ send: async () => call('put', `/sessions/${await heldSession()}/days/1/attendance`, { token: stakeholder.token, body: {} }) }],
    404: [{ send: async () => call('put', `/sessions/${await heldSession()}/days/9/attendance`, { token: coordinator.token, body: { records: [{ userId: stakeholder.id, status: 'present' }] } }) }],
    409: [{ send: async () => call('put', `/sessions/${await enrolmentSession()}/days/1/attendance`, { token: coordinator.token, body: { records: [{ userId: stakeholder.id, status: 'present' }] } }), check: endsWith('day-not-started') }],
    413: [{ send: async () => call('put', `/sessions/${await heldSession()}/days/1/attendance`, { token: coordinator.token, raw: TOO_LARGE }) }],
  },
  getSessionAttendance: {
    200: [{ send: async () => call('get', `/sessions/${await heldSession()}/attendance`, { token: coordinator.token }), check: (res) => expect(res.body.items[0]).toMatchObject({ userId: stakeholder.id, days: ['present', null], trained: false }) }],
    401: [{ send: async () => call('get', `/sessions/${await heldSession()}/attendance`) }],
    403: [{ send: async () => call('get', `/sessions/${await heldSession()}/attendance`, { token: stakeholder.token }) }],
    404: [{ send: () => call('get', `/sessions/${NO_SUCH_ID}/attendance`, { token: admin.token }) }],
  },
  openCheckInCode: {
    201: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/1/check-in-code`, { token: coordinator.token, body: { minutes: 15 } }), check: (res) => expect(res.body.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/) }],
    400: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/1/check-in-code`, { token: coordinator.token, body: { minutes: 1 } }) }],
    401: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/1/check-in-code`, { body: {} }) }],
    403: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/1/check-in-code`, { token: stakeholder.token, body: {} }) }],
    404: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/9/check-in-code`, { token: coordinator.token, body: {} }) }],
    409: [{ send: async () => call('post', `/sessions/${await enrolmentSession()}/days/1/check-in-code`, { token: coordinator.token, body: {} }), check: endsWith('outside-day') }],
    413: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/1/check-in-code`, { token: coordinator.token, raw: TOO_LARGE }) }],
  },
  checkIn: {
    200: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/1/check-in`, { token: stakeholder.token, body: { code: await openTodayCode() } }), check: (res) => expect(res.body).toEqual({ status: 'present', already: false }) }],
    400: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/1/check-in`, { token: stakeholder.token, body: { code: 'not it' } }) }],
    401: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/1/check-in`, { body: { code: 'ABCDEF' } }) }],
    403: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/1/check-in`, { token: coordinator.token, body: { code: await openTodayCode() } }), check: endsWith('not-enrolled') }],
    404: [{ send: () => call('post', `/sessions/${NO_SUCH_ID}/days/1/check-in`, { token: admin.token, body: { code: 'ABCDEF' } }) }],
    409: [
      {
        send: async () => {
          const code = await openTodayCode();
          await CheckInCode.updateOne({ _id: `${await todaySession()}:0` }, { $set: { validUntil: new Date(Date.now() - 1000) } });
          return call('post', `/sessions/${await todaySession()}/days/1/check-in`, { token: stakeholder.token, body: { code } });
        },
        check: endsWith('check-in-closed'),
      },
    ],
    413: [{ send: async () => call('post', `/sessions/${await todaySession()}/days/1/check-in`, { token: stakeholder.token, raw: TOO_LARGE }) }],
    429: [
      {
        send: async () => {
          const impatient = await makePerson(['stakeholder']);
          const path = `/sessions/${await todaySession()}/days/1/check-in`;
          for (let attempt = 0; attempt < 10; attempt += 1) await call('post', path, { token: impatient.token, body: { code: 'ABCDEF' } }).expect(403);
          return call('post', path, { token: impatient.token, body: { code: 'ABCDEF' } });
        },
      },
    ],
  },
  getTarget: {
    200: [{ send: () => call('get', '/stats/target', { token: coordinator.token }), check: (res) => expect(res.body.target).toBe(200) }],
    400: [{ send: () => call('get', '/stats/target?colour=red', { token: coordinator.token }) }],
    401: [{ send: () => call('get', '/stats/target') }],
    403: [{ send: () => call('get', '/stats/target', { token: stakeholder.token }) }],
  },
  getProgrammeSettings: {
    200: [{ send: () => call('get', '/settings/programme', { token: coordinator.token }) }, { send: () => call('get', '/settings/programme', { token: admin.token }) }],
    401: [{ send: () => call('get', '/settings/programme') }],
    403: [{ send: () => call('get', '/settings/programme', { token: stakeholder.token }) }],
  },
  putProgrammeSettings: {
    200: [
      // Excused counting too, then the default rule again: both recount; the target stays 200 for the other cases.
      { send: () => call('put', '/settings/programme', { token: admin.token, body: { target: 200, countingStatuses: ['present', 'late', 'excused'], requiredShare: 1 } }), check: (res) => expect(res.body.recounted).toBe(true) },
      { send: () => call('put', '/settings/programme', { token: admin.token, body: { target: 200, countingStatuses: ['present', 'late'], requiredShare: 1 } }), check: (res) => expect(res.body.updatedBy).toBe(admin.id) },
    ],
    400: [
      { send: () => call('put', '/settings/programme', { token: admin.token, body: { target: 0, countingStatuses: [], requiredShare: 2 } }), check: (res) => expect(res.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['countingStatuses', 'requiredShare', 'target']) },
      { send: () => call('put', '/settings/programme', { token: admin.token, raw: '{"target": ' }), check: endsWith('malformed-json') },
    ],
    401: [{ send: () => call('put', '/settings/programme', { body: { target: 200, countingStatuses: ['present'], requiredShare: 1 } }) }],
    403: [{ send: () => call('put', '/settings/programme', { token: coordinator.token, body: { target: 200, countingStatuses: ['present'], requiredShare: 1 } }) }],
    413: [{ send: () => call('put', '/settings/programme', { token: admin.token, raw: TOO_LARGE }) }],
  },
  getOpenApiDocument: {
    200: [
      {
        send: () => call('get', '/openapi.json'),
        // Served as built: exactly the document these tests look at.
        check: (res) => expect(res.body).toEqual(JSON.parse(JSON.stringify(document))),
      },
      // It reads no token, so even a bad one does not stand in the way.
      { send: () => call('get', '/openapi.json', { token: BAD_TOKEN }) },
    ],
  },
};

// ---------------------------------------------------------------------------------------------
// Helpers over the document.

const HTTP_METHODS: readonly string[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function documentedOperations(doc: OpenApiDocument) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
}

/** `/users/{id}` as Express writes it: `/api/v1/users/:id`. */
const expressPath = (path: string) => `${SERVER_URL}${path.replace(/\{([^}]+)\}/g, ':$1')}`;

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

const VALIDATE = `
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
const result = await new Validator().validate(JSON.parse(readFileSync(0, 'utf8')));
process.stdout.write(JSON.stringify(result));
`;

/** The validator is ESM-only, which Jest's CommonJS runtime cannot load: it runs in plain Node. */
function validateOpenApi(doc: unknown): { valid: boolean; errors?: unknown } {
  const run = spawnSync(process.execPath, ['--input-type=module', '--eval', VALIDATE], {
    cwd: PROJECT_ROOT,
    input: JSON.stringify(doc),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`the OpenAPI validator did not run: ${run.stderr || run.error?.message}`);
  return JSON.parse(run.stdout) as { valid: boolean; errors?: unknown };
}

// ---------------------------------------------------------------------------------------------

describe('the operations it describes', () => {
  it('are exactly the routes of /api/v1: an endpoint added without a description fails here', () => {
    const routes = listRoutes(app).filter((route) => route.split(' ')[1]!.startsWith(`${SERVER_URL}/`));
    const described = documentedOperations(document).map(({ method, path }) => `${method.toUpperCase()} ${expressPath(path)}`);
    expect(described.sort()).toEqual(routes);
  });

  it('each have a request case for every documented response, and no case for an undocumented one', () => {
    const documented = Object.fromEntries(OPERATIONS.map((operation) => [operation.operationId, Object.keys(document.paths[operation.path]![operation.method]!.responses).sort()]));
    const exercised = Object.fromEntries(OPERATIONS.map((operation) => [operation.operationId, Object.keys(CASES[operation.operationId] ?? {}).sort()]));
    expect(exercised).toEqual(documented);
    expect(Object.keys(CASES).sort()).toEqual(OPERATIONS.map((operation) => operation.operationId).sort());
  });
});

describe.each(OPERATIONS.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation] as const))(
  '%s',
  (_name, operation: Operation) => {
    it('answers as documented, each response from a real request', async () => {
      const responses = document.paths[operation.path]![operation.method]!.responses;
      let itemsSeen = false;
      for (const [status, cases] of Object.entries(CASES[operation.operationId] ?? {})) {
        const documented = responses[status];
        expect({ status, documented: Boolean(documented) }).toEqual({ status, documented: true });
        const mediaTypes = Object.keys(documented!.content ?? {});
        for (const [index, { send, check }] of (cases ?? []).entries()) {
          const res = await send();
          const label = `${operation.operationId} ${status} case ${index + 1}`;
          expect({ label, status: res.status }).toEqual({ label, status: Number(status) });

          if (Number(status) === 204) {
            expect({ label, mediaTypes, body: res.text }).toEqual({ label, mediaTypes: [], body: '' });
          } else if (Number(status) < 300 && operation.success.mediaType) {
            expect({ label, mediaTypes }).toEqual({ label, mediaTypes: [operation.success.mediaType] });
            expect(res.headers['content-type']).toMatch(new RegExp(`^${operation.success.mediaType}(;|$)`));
          } else if (Number(status) < 300) {
            expect({ label, mediaTypes }).toEqual({ label, mediaTypes: [JSON_TYPE] });
            expect(res.headers['content-type']).toMatch(/^application\/json(;|$)/);
            const schema = (operation.alsoSuccess?.status === Number(status) ? operation.alsoSuccess.schema : operation.success.schema) as z.ZodType;
            const parsed = schema.safeParse(res.body);
            expect({ label, issues: parsed.error?.issues }).toEqual({ label, issues: undefined });
            if (Array.isArray((res.body as { items?: unknown }).items) && (res.body as { items: unknown[] }).items.length > 0) itemsSeen = true;
          } else {
            expect({ label, mediaTypes }).toEqual({ label, mediaTypes: [PROBLEM_TYPE] });
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
            const parsed = problemSchema.safeParse(res.body);
            expect({ label, issues: parsed.error?.issues }).toEqual({ label, issues: undefined });
            expect(res.body.status).toBe(res.status);
            if (res.status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
          }
          await check?.(res);
        }
      }
      // An empty list proves nothing about the schema of its items.
      const isList = operation.success.schema && 'shape' in operation.success.schema && 'items' in (operation.success.schema as z.ZodObject).shape;
      if (isList) expect({ operation: operation.operationId, itemsSeen }).toEqual({ operation: operation.operationId, itemsSeen: true });
    });
  },
);

describe('the document', () => {
  it('is served publicly as JSON at /api/v1/openapi.json', async () => {
    const res = await request(app).get('/api/v1/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ openapi: '3.1.0', info: { title: 'LIAISE Learning API' }, servers: [{ url: '/api/v1' }] });
  });

  it('is valid OpenAPI 3.1 by @seriousme/openapi-schema-validator', () => {
    expect(validateOpenApi(document)).toEqual({ valid: true });
  });

  it('is judged by a validator that does refuse an invalid document', () => {
    const broken = { ...document, info: { title: 'no version' }, paths: { '/x': { get: { responses: { 200: { description: 42 } } } } } };
    expect(validateOpenApi(broken).valid).toBe(false);
  });

  it('has every $ref resolving within it', () => {
    const refs = [...new Set(refsIn(document))];
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((ref) => resolvePointer(document, ref) === undefined)).toEqual([]);
  });

  it('declares each path parameter, and only those, on every operation of the path', () => {
    const problems: string[] = [];
    for (const { path, method, operation } of documentedOperations(document)) {
      const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!).sort();
      const declared = operation.parameters.filter((parameter) => parameter.in === 'path');
      if (JSON.stringify(declared.map((parameter) => parameter.name).sort()) !== JSON.stringify(inTemplate)) problems.push(`${method} ${path}`);
      if (declared.some((parameter) => !parameter.required)) problems.push(`${method} ${path}: a path parameter must be required`);
    }
    expect(problems).toEqual([]);
  });

  it('gives each operation a unique operationId, a summary, a known tag and its security', () => {
    const operations = documentedOperations(document).map(({ operation }) => operation);
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const operation of operations) {
      expect({ id: operation.operationId, summary: operation.summary.length > 0 }).toEqual({ id: operation.operationId, summary: true });
      expect(operation.tags.every((tag) => tag in TAGS)).toBe(true);
      expect([[], [{ bearerAuth: [] }]]).toContainEqual(operation.security);
    }
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.tags.map((tag) => tag.name).sort()).toEqual([...new Set(operations.flatMap((operation) => operation.tags))].sort());
  });

  it('describes every parameter, and caps pageSize at the maximum the API enforces', () => {
    const parameters = documentedOperations(document).flatMap(({ path, method, operation }) =>
      operation.parameters.map((parameter) => ({ where: `${method} ${path} ${parameter.name}`, parameter })),
    );
    expect(parameters.filter(({ parameter }) => !parameter.description).map(({ where }) => where)).toEqual([]);
    const pageSizes = parameters.filter(({ parameter }) => parameter.name === 'pageSize');
    expect(pageSizes.length).toBeGreaterThanOrEqual(5);
    for (const { parameter } of pageSizes) expect(parameter.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE });
  });

  it('refers errors to the Problem schema, {type, title, status, detail?, errors?: [{path, message}]}', () => {
    expect(document.components.schemas.Problem).toMatchObject({
      type: 'object',
      required: ['type', 'title', 'status'],
      properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, errors: { type: 'array' } },
    });
    expect(document.components.schemas.FieldError).toMatchObject({ required: ['path', 'message'] });
  });
});
