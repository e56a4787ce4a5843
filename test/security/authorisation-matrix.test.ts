/**
 * The authorisation matrix: for every route of the real app, what each kind of person gets.
 * A route without an entry fails the test, so nobody adds a page or endpoint without deciding
 * who may use it. "allowed" means the request passed the access rules (it may still be refused
 * for its content, e.g. 400); the other outcomes are the ways access is refused.
 */
import type { Express } from 'express';
import request from 'supertest';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn } from '../support/forms';
import { createApiToken } from '../../src/accounts/api-token';
import { importModules } from '../../src/courses/import';
import { SessionInvitation } from '../../src/invitations/model';
import { seedReferenceData } from '../../src/reference/seed';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { addDays } from '../../src/sessions/time-zones';
import { actor } from '../support/course-authors';
import { createTargetAccount, type Persona, PERSONAS, type SignedInPersona, signInPersona, TARGET_COUNTRY } from '../support/personas';
import { listRoutes } from '../support/routes';
import { publishedResourceUrl } from '../fixtures/resources/published-resource';

const db = useTestDatabase(__filename);
let app: Express;
const signedIn = new Map<Persona, SignedInPersona>();

type Outcome = 'allowed' | 'sign-in' | 'forbidden' | 'not-found';
type Expectations = Record<Persona, Outcome>;

interface Call {
  path: string;
  body?: Record<string, unknown>;
}

interface Entry {
  expect: Expectations;
  /** The concrete request (ids filled in); the route itself when absent. */
  call?: (who: SignedInPersona) => Promise<Call> | Call;
  /** The request ends or changes the caller's own session or token: use a fresh sign-in. */
  fresh?: boolean;
}

const everyone = (outcome: Outcome): Expectations =>
  Object.fromEntries(PERSONAS.map((persona) => [persona, outcome])) as Expectations;
const PUBLIC = everyone('allowed');
const SIGNED_IN: Expectations = { ...everyone('allowed'), anonymous: 'sign-in' };
const ADMINS: Expectations = { ...everyone('forbidden'), anonymous: 'sign-in', admin: 'allowed' };
/** Managing accounts: coordinators for the stakeholders and trainers of their countries. */
const MANAGERS: Expectations = { ...ADMINS, coordinatorInScope: 'allowed', coordinatorOutOfScope: 'allowed' };
/** Acting on one stakeholder of the target country: hidden from a coordinator of elsewhere. */
const MANAGERS_IN_SCOPE: Expectations = { ...ADMINS, coordinatorInScope: 'allowed', coordinatorOutOfScope: 'not-found' };

/** Writing course content: trainers, coordinators (wherever they are) and admins. */
const COURSE_AUTHORS: Expectations = { ...everyone('allowed'), anonymous: 'sign-in', stakeholder: 'forbidden' };

/** A session's trainers (the trainer persona), coordinators of its country, admins. */
const SESSION_MANAGERS: Expectations = { ...COURSE_AUTHORS, coordinatorOutOfScope: 'forbidden' };
const MATRIX_SESSION = {
  title: 'Matrix session',
  courses: ['awareness'],
  language: 'fr',
  city: 'be-brussels',
  venue: { name: 'Hôtel de Ville', address: 'Grand-Place 1' },
  capacity: 20,
};
let sharedSession: string | undefined;
/** A session in the target country taught by the trainer persona: one shared, or a new one (to cancel). */
async function matrixSession(fresh = false): Promise<string> {
  if (sharedSession && !fresh) return sharedSession;
  const trainer = signedIn.get('trainer')!;
  const teacher = { ...actor(['trainer']), id: trainer.userId!, name: 'trainer' };
  sessionSerial += 1;
  const { session } = await scheduleSession(teacher, { ...MATRIX_SESSION, days: defaultDays(fresh ? addDays('2034-01-05', sessionSerial * 7) : '2035-01-10') });
  if (!fresh) sharedSession = String(session._id);
  return String(session._id);
}
let sessionSerial = 0;

/** A pending invitation to the shared session, for a withdrawal to act on. */
async function matrixInvitation(): Promise<string> {
  sessionSerial += 1;
  const invitation = await SessionInvitation.create({
    session: await matrixSession(),
    contact: `invited-${sessionSerial}@example.org`,
    email: `invited-${sessionSerial}@example.org`,
    invitedBy: signedIn.get('trainer')!.userId!,
    inviterName: 'trainer',
    tokenHash: `matrix-${sessionSerial}`,
    expiresAt: new Date(Date.now() + 24 * 60 * 60 * 1000),
  });
  return String(invitation._id);
}

/** A fresh stakeholder of the target country, so one person's change does not affect the next. */
const onTarget = (path: (id: string) => string, body?: Record<string, unknown>) => async () => ({
  path: path(await createTargetAccount()),
  ...(body ? { body } : {}),
});
let created = 0;
const newAccount = () => {
  created += 1;
  return { email: `new-${created}@example.org`, name: `New ${created}`, roles: ['stakeholder'], country: TARGET_COUNTRY, language: 'en' };
};

const MATRIX: Record<string, Entry> = {
  // Public pages and reference data.
  'GET /': { expect: PUBLIC },
  'GET /healthz': { expect: PUBLIC },
  'GET /privacy': { expect: PUBLIC },
  'GET /register': { expect: PUBLIC },
  'POST /register': { expect: PUBLIC },
  'GET /sign-in': { expect: PUBLIC },
  'POST /sign-in': { expect: PUBLIC },
  'POST /sign-out': { expect: PUBLIC, fresh: true },
  'GET /verify-email': { expect: PUBLIC },
  'POST /verify-email/resend': { expect: SIGNED_IN },
  'GET /reset-password': { expect: PUBLIC },
  'POST /reset-password': { expect: PUBLIC },
  'POST /reset-password/new': { expect: PUBLIC },
  'GET /api/v1/countries': { expect: PUBLIC },
  'GET /api/v1/cities': { expect: PUBLIC },
  'GET /api/v1/organisations': { expect: PUBLIC },
  'GET /api/v1/openapi.json': { expect: PUBLIC },
  'POST /api/v1/auth/register': { expect: PUBLIC },
  'POST /api/v1/auth/tokens': { expect: PUBLIC },

  // The signed-in person's own account.
  'GET /api/v1/me': { expect: SIGNED_IN },
  'DELETE /api/v1/auth/tokens/current': { expect: SIGNED_IN, fresh: true },
  // The second step of sign-in exists only after a right password: everyone else starts over.
  'GET /sign-in/two-factor': { expect: everyone('sign-in') },
  'POST /sign-in/two-factor': { expect: everyone('sign-in') },
  'GET /profile/two-factor': { expect: SIGNED_IN },
  'GET /profile/two-factor/setup': { expect: SIGNED_IN },
  'POST /profile/two-factor/setup': { expect: SIGNED_IN },
  'POST /profile/two-factor/confirm': { expect: SIGNED_IN },
  'POST /profile/two-factor/recovery-codes': { expect: SIGNED_IN },
  'GET /profile': { expect: SIGNED_IN },
  'POST /profile/details': { expect: SIGNED_IN },
  'POST /profile/email': { expect: SIGNED_IN },
  'POST /profile/email/cancel': { expect: SIGNED_IN },
  'POST /profile/password': { expect: SIGNED_IN },
  'POST /profile/tokens': { expect: SIGNED_IN },
  'POST /profile/tokens/:id/revoke': {
    expect: SIGNED_IN,
    call: async (who) => ({ path: `/profile/tokens/${who.userId ? (await createApiToken(who.userId, 'spare')).id : '000000000000000000000000'}/revoke` }),
  },
  'PATCH /api/v1/me': { expect: SIGNED_IN, call: () => ({ path: '/api/v1/me', body: { sector: 'education' } }) },
  'GET /api/v1/auth/tokens': { expect: SIGNED_IN },
  'DELETE /api/v1/auth/tokens/:id': {
    expect: SIGNED_IN,
    call: async (who) => ({ path: `/api/v1/auth/tokens/${who.userId ? (await createApiToken(who.userId, 'spare')).id : '000000000000000000000000'}` }),
  },
  // Links from mails work on any device, signed in or not: the token is the proof.
  'GET /invitation': { expect: PUBLIC },
  'GET /profile/email/confirm': { expect: PUBLIC },
  'POST /invitation': { expect: PUBLIC },

  // Administration of accounts.
  'GET /admin/users': { expect: MANAGERS },
  'GET /admin/users/new': { expect: MANAGERS },
  'POST /admin/users/new': {
    expect: { ...MANAGERS, coordinatorOutOfScope: 'forbidden' },
    call: () => ({ path: '/admin/users/new', body: newAccount() }),
  },
  'GET /admin/users/:id': { expect: MANAGERS_IN_SCOPE, call: onTarget((id) => `/admin/users/${id}`) },
  'POST /admin/users/:id/roles': { expect: MANAGERS_IN_SCOPE, call: onTarget((id) => `/admin/users/${id}/roles`, { roles: 'trainer' }) },
  'POST /admin/users/:id/status': { expect: MANAGERS_IN_SCOPE, call: onTarget((id) => `/admin/users/${id}/status`, { status: 'disabled' }) },
  'POST /admin/users/:id/invitation': { expect: MANAGERS_IN_SCOPE, call: onTarget((id) => `/admin/users/${id}/invitation`) },
  'POST /admin/users/:id/scope': {
    expect: { ...ADMINS, coordinatorOutOfScope: 'not-found' },
    call: onTarget((id) => `/admin/users/${id}/scope`, { scopeCountries: TARGET_COUNTRY }),
  },
  'GET /admin/audit': { expect: ADMINS },
  'GET /api/v1/users': { expect: MANAGERS },
  'POST /api/v1/users': {
    expect: { ...MANAGERS, coordinatorOutOfScope: 'forbidden' },
    call: () => ({ path: '/api/v1/users', body: newAccount() }),
  },
  'GET /api/v1/users/:id': { expect: MANAGERS_IN_SCOPE, call: onTarget((id) => `/api/v1/users/${id}`) },
  'PATCH /api/v1/users/:id': { expect: MANAGERS_IN_SCOPE, call: onTarget((id) => `/api/v1/users/${id}`, { status: 'disabled' }) },
  'GET /api/v1/audit-events': { expect: ADMINS },
  // Exports: coordinators get their own countries' rows (the out-of-scope one an empty file), admins everything.
  'GET /api/v1/reports/attendance': { expect: MANAGERS, call: () => ({ path: '/api/v1/reports/attendance?format=csv' }) },
  'GET /reports/attendance': { expect: MANAGERS, call: () => ({ path: '/reports/attendance?format=csv' }) },

  // Courses (issue 4): the catalogue is public; writing is for trainers, coordinators and admins.
  // The writes target published versions (409, still "allowed") so nothing changes for the next person.
  'GET /api/v1/courses': { expect: PUBLIC },
  'GET /api/v1/courses/:slug/versions/:version': { expect: PUBLIC, call: () => ({ path: '/api/v1/courses/awareness/versions/latest' }) },
  'GET /api/v1/courses/:slug/diff': { expect: PUBLIC, call: () => ({ path: '/api/v1/courses/awareness/diff?from=1.0.0&to=latest' }) },
  'POST /api/v1/courses/:slug/versions': { expect: COURSE_AUTHORS, call: () => ({ path: '/api/v1/courses/family-support/versions' }) },
  'PUT /api/v1/courses/:slug/versions/:version/lessons/:key': {
    expect: COURSE_AUTHORS,
    call: () => ({ path: '/api/v1/courses/awareness/versions/1.0.0/lessons/signs-and-context', body: { lang: 'en', title: 'Changed', body: 'Changed.', revision: 0 } }),
  },
  'POST /api/v1/courses/:slug/versions/:version/publish': { expect: COURSE_AUTHORS, call: () => ({ path: '/api/v1/courses/awareness/versions/1.0.0/publish', body: {} }) },
  // Resources (uploads are multipart; here refused as immutable before any body is read).
  'POST /api/v1/courses/:slug/versions/:version/resources': { expect: COURSE_AUTHORS, call: () => ({ path: '/api/v1/courses/awareness/versions/1.0.0/resources' }) },
  'DELETE /api/v1/courses/:slug/versions/:version/resources/:id': {
    expect: COURSE_AUTHORS,
    call: () => ({ path: '/api/v1/courses/awareness/versions/1.0.0/resources/0123456789abcdef01234567?revision=0' }),
  },
  'POST /api/v1/courses/:slug/versions/:version/lessons': {
    expect: COURSE_AUTHORS,
    call: () => ({ path: '/api/v1/courses/awareness/versions/1.0.0/lessons', body: { lang: 'en', title: 'New', body: 'New.', minutes: 5, revision: 0 } }),
  },
  'DELETE /api/v1/courses/:slug/versions/:version/lessons/:key': { expect: COURSE_AUTHORS, call: () => ({ path: '/api/v1/courses/awareness/versions/1.0.0/lessons/signs-and-context?revision=0' }) },
  'PUT /api/v1/courses/:slug/versions/:version/order': { expect: COURSE_AUTHORS, call: () => ({ path: '/api/v1/courses/awareness/versions/1.0.0/order', body: { order: ['signs-and-context'], revision: 0 } }) },
  'PUT /api/v1/courses/:slug/versions/:version/check': {
    expect: COURSE_AUTHORS,
    call: () => ({
      path: '/api/v1/courses/awareness/versions/1.0.0/check',
      body: { lang: 'en', revision: 0, questions: [{ key: 'q1', prompt: 'P', options: [{ key: 'a', text: 'A' }, { key: 'b', text: 'B' }], correct: ['a'], feedback: 'F' }] },
    }),
  },
  'PUT /api/v1/courses/:slug/versions/:version/changelog': { expect: COURSE_AUTHORS, call: () => ({ path: '/api/v1/courses/awareness/versions/1.0.0/changelog', body: { lang: 'en', text: 'T', revision: 0 } }) },
  // The latest published version cannot be archived (409): nothing changes for the next person.
  'POST /api/v1/courses/:slug/versions/:version/archive': { expect: COURSE_AUTHORS, call: () => ({ path: '/api/v1/courses/awareness/versions/1.1.0/archive' }) },
  'GET /api/v1/courses/:slug/versions/:version/translation-status': { expect: COURSE_AUTHORS, call: () => ({ path: '/api/v1/courses/awareness/versions/latest/translation-status' }) },

  // Learning on the web: catalogue and module pages for anyone, the rest for signed-in learners.
  'GET /modules': { expect: PUBLIC },
  'GET /modules/:slug': { expect: PUBLIC, call: () => ({ path: '/modules/awareness' }) },
  'POST /modules/:slug/start': { expect: SIGNED_IN, call: () => ({ path: '/modules/awareness/start' }) },
  'POST /modules/:slug/switch': { expect: SIGNED_IN, call: () => ({ path: '/modules/awareness/switch' }) },
  'GET /modules/:slug/lessons/:key': { expect: SIGNED_IN, call: () => ({ path: '/modules/awareness/lessons/signs-and-context' }) },
  'POST /modules/:slug/lessons/:key/done': { expect: SIGNED_IN, call: () => ({ path: '/modules/awareness/lessons/signs-and-context/done' }) },
  'GET /modules/:slug/check': { expect: SIGNED_IN, call: () => ({ path: '/modules/awareness/check' }) },
  // Comparing versions: a page for authors.
  'GET /authoring/:slug/diff': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/diff?from=1.0.0&to=1.1.0' }) },
  'POST /modules/:slug/check': { expect: SIGNED_IN, call: () => ({ path: '/modules/awareness/check', body: { 'q-q1': 'b' } }) },
  // Resources: published ones for anyone; the authoring forms (redirect with an outcome) for authors.
  'GET /modules/:slug/versions/:version/resources/:id/:name': { expect: PUBLIC, call: async () => ({ path: await publishedResourceUrl() }) },
  'POST /authoring/:slug/versions/:version/resources': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0/resources', body: { revision: '0' } }) },
  'POST /authoring/:slug/versions/:version/resources/:id/remove': {
    expect: COURSE_AUTHORS,
    call: () => ({ path: '/authoring/awareness/versions/1.0.0/resources/0123456789abcdef01234567/remove', body: { revision: '0' } }),
  },

  // Authoring pages: trainers, coordinators, admins. The writes target published versions
  // (409 or a redirect with a problem, still "allowed") so nothing changes for the next person;
  // starting a draft does change things, on a module no other entry uses.
  'GET /authoring': { expect: COURSE_AUTHORS },
  'GET /authoring/:slug': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness' }) },
  'POST /authoring/:slug/drafts': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/counter-narratives/drafts' }) },
  'GET /authoring/:slug/versions/:version': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0' }) },
  'POST /authoring/:slug/versions/:version/lessons/:key/move': {
    expect: COURSE_AUTHORS,
    call: () => ({ path: '/authoring/awareness/versions/1.0.0/lessons/signs-and-context/move', body: { direction: 'up', revision: '0' } }),
  },
  'GET /authoring/:slug/versions/:version/changelog': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0/changelog' }) },
  'POST /authoring/:slug/versions/:version/changelog': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0/changelog', body: { lang: 'en', text: 'T', revision: '0' } }) },
  'POST /authoring/:slug/versions/:version/publish': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0/publish', body: { changelog: 'T' } }) },
  'POST /authoring/:slug/versions/:version/archive': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.1.0/archive' }) },
  'GET /authoring/:slug/versions/:version/lessons/new': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0/lessons/new' }) },
  'POST /authoring/:slug/versions/:version/lessons/new': {
    expect: COURSE_AUTHORS,
    call: () => ({ path: '/authoring/awareness/versions/1.0.0/lessons/new', body: { lang: 'en', title: 'T', minutes: '5', body: 'B', revision: '0', intent: 'save' } }),
  },
  'GET /authoring/:slug/versions/:version/lessons/:key': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0/lessons/signs-and-context' }) },
  'POST /authoring/:slug/versions/:version/lessons/:key': {
    expect: COURSE_AUTHORS,
    call: () => ({ path: '/authoring/awareness/versions/1.0.0/lessons/signs-and-context', body: { lang: 'en', title: 'T', minutes: '5', body: 'B', revision: '0', intent: 'save' } }),
  },
  'GET /authoring/:slug/versions/:version/lessons/:key/remove': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0/lessons/signs-and-context/remove' }) },
  'POST /authoring/:slug/versions/:version/lessons/:key/remove': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0/lessons/signs-and-context/remove', body: { revision: '0' } }) },
  'GET /authoring/:slug/versions/:version/check': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0/check' }) },
  'POST /authoring/:slug/versions/:version/check': { expect: COURSE_AUTHORS, call: () => ({ path: '/authoring/awareness/versions/1.0.0/check', body: { lang: 'en', revision: '0', questions: '0' } }) },

  // Training sessions: anyone finds and reads them; trainers and coordinators (in scope) schedule;
  // its trainers, coordinators of its country and admins change or cancel one.
  'GET /api/v1/sessions': { expect: PUBLIC },
  'GET /api/v1/sessions/:id': { expect: PUBLIC, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}` }) },
  'POST /api/v1/sessions': {
    expect: { ...COURSE_AUTHORS, coordinatorOutOfScope: 'forbidden' },
    call: (who) => ({ path: '/api/v1/sessions', body: { ...MATRIX_SESSION, days: defaultDays(`2033-0${PERSONAS.indexOf(who.persona) + 1}-10`) } }),
  },
  'GET /api/v1/sessions/:id.ics': { expect: PUBLIC, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}.ics` }) },
  // The feed's secret address is the proof (an unknown one is 404 for everyone); the feed is managed from one's profile.
  'GET /calendar/:token.ics': { expect: everyone('not-found'), call: () => ({ path: '/calendar/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.ics' }) },
  'POST /profile/calendar-feed': { expect: SIGNED_IN },
  'POST /profile/calendar-feed/revoke': { expect: SIGNED_IN },
  // Anyone signed in (and verified) enrols themself; staff of the session list and cancel others.
  'POST /api/v1/sessions/:id/enrolments': { expect: SIGNED_IN, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}/enrolments`, body: {} }) },
  'DELETE /api/v1/sessions/:id/enrolments/:userId': { expect: SIGNED_IN, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}/enrolments/me` }) },
  'GET /api/v1/sessions/:id/enrolments': { expect: SESSION_MANAGERS, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}/enrolments` }) },
  // Importing participants (CSV): the session's staff; the JSON body is then refused for its content (415).
  'GET /api/v1/sessions/:id/invitations': { expect: SESSION_MANAGERS, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}/invitations` }) },
  'DELETE /api/v1/sessions/:id/invitations/:invitationId': {
    expect: SESSION_MANAGERS,
    call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}/invitations/${await matrixInvitation()}` }),
  },
  // The link from the invitation mail is the proof: an unknown one is 404 for everyone, and answering needs the invited account.
  'GET /session-invitation': { expect: everyone('not-found'), call: () => ({ path: '/session-invitation?token=unknown' }) },
  'POST /session-invitation': { expect: { ...everyone('not-found'), anonymous: 'sign-in' }, call: () => ({ path: '/session-invitation', body: { token: 'unknown', answer: 'accept' } }) },
  'POST /api/v1/sessions/:id/enrolments/import': { expect: SESSION_MANAGERS, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}/enrolments/import`, body: {} }) },
  'GET /sessions': { expect: PUBLIC },
  'GET /sessions/:id': { expect: PUBLIC, call: async () => ({ path: `/sessions/${await matrixSession()}` }) },
  'GET /sessions/calendar': { expect: PUBLIC },
  'GET /desk': { expect: COURSE_AUTHORS },
  'POST /sessions/:id/enrol': { expect: SIGNED_IN, call: async () => ({ path: `/sessions/${await matrixSession()}/enrol` }) },
  'POST /sessions/:id/leave': { expect: SIGNED_IN, call: async () => ({ path: `/sessions/${await matrixSession()}/leave` }) },
  'GET /sessions/:id/roster': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/roster` }) },
  'POST /sessions/:id/roster': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/roster`, body: { email: 'nobody@example.org' } }) },
  'GET /sessions/:id/roster.csv': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/roster.csv` }) },
  'POST /sessions/:id/roster/:userId/remove': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/roster/0123456789abcdef01234567/remove` }) },
  // A form without a file: the session's staff get the page saying so (400).
  'POST /sessions/:id/invitations/:invitationId/withdraw': {
    expect: SESSION_MANAGERS,
    call: async () => ({ path: `/sessions/${await matrixSession()}/invitations/${await matrixInvitation()}/withdraw` }),
  },
  'POST /sessions/:id/roster/import': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/roster/import` }) },
  'GET /sessions/new': { expect: COURSE_AUTHORS },
  'POST /sessions/new': { expect: COURSE_AUTHORS, call: () => ({ path: '/sessions/new', body: { title: 'x' } }) },
  'GET /sessions/:id/edit': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/edit` }) },
  'POST /sessions/:id/edit': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/edit`, body: { title: 'x' } }) },
  'GET /sessions/:id/cancel': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/cancel` }) },
  'POST /sessions/:id/cancel': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession(true)}/cancel` }) },
  'PUT /api/v1/sessions/:id/days/:day/attendance': { expect: SESSION_MANAGERS, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}/days/1/attendance`, body: { records: [] } }) },
  'GET /api/v1/sessions/:id/attendance': { expect: SESSION_MANAGERS, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}/attendance` }) },
  'GET /api/v1/stats/target': { expect: MANAGERS },
  'GET /dashboard': { expect: MANAGERS },
  // The programme's rule: coordinators read it through the API; only administrators change it.
  // The bodies are refused for their content (400, past the access rules), so nothing changes.
  'GET /api/v1/settings/programme': { expect: MANAGERS },
  'PUT /api/v1/settings/programme': { expect: ADMINS, call: () => ({ path: '/api/v1/settings/programme', body: {} }) },
  'GET /admin/programme': { expect: ADMINS },
  'POST /admin/programme': { expect: ADMINS, call: () => ({ path: '/admin/programme', body: { target: '0' } }) },
  'GET /sessions/:id/days/:day/roll-call': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/days/1/roll-call` }) },
  'POST /sessions/:id/days/:day/roll-call': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/days/1/roll-call`, body: {} }) },
  // Self check-in: the session's staff open a code (the matrix session is not today: 409, past the access rules);
  // only people enrolled check in, and nobody is enrolled in a fresh session.
  'POST /api/v1/sessions/:id/days/:day/check-in-code': { expect: SESSION_MANAGERS, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}/days/1/check-in-code`, body: {} }) },
  'POST /api/v1/sessions/:id/days/:day/check-in': { expect: { ...everyone('forbidden'), anonymous: 'sign-in' }, call: async () => ({ path: `/api/v1/sessions/${await matrixSession(true)}/days/1/check-in`, body: { code: 'AAAAAA' } }) },
  'GET /sessions/:id/days/:day/check-in-code': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/days/1/check-in-code` }) },
  'POST /sessions/:id/days/:day/check-in-code': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/days/1/check-in-code`, body: { minutes: '30' } }) },
  'GET /check-in': { expect: SIGNED_IN },
  'POST /check-in': { expect: { ...everyone('forbidden'), anonymous: 'sign-in' }, call: async () => ({ path: '/check-in', body: { session: await matrixSession(true), day: '1', code: 'AAAAAA' } }) },
  'GET /sessions/:id/days/:day/sign-in-sheet.pdf': { expect: SESSION_MANAGERS, call: async () => ({ path: `/sessions/${await matrixSession()}/days/1/sign-in-sheet.pdf` }) },
  'PATCH /api/v1/sessions/:id': { expect: SESSION_MANAGERS, call: async () => ({ path: `/api/v1/sessions/${await matrixSession()}`, body: { capacity: 20 } }) },
  'POST /api/v1/sessions/:id/cancel': { expect: SESSION_MANAGERS, call: async () => ({ path: `/api/v1/sessions/${await matrixSession(true)}/cancel` }) },

  // A learner's own progress: anyone signed in.
  'GET /api/v1/courses/:slug/progress': { expect: SIGNED_IN, call: () => ({ path: '/api/v1/courses/awareness/progress' }) },
  'POST /api/v1/courses/:slug/progress': {
    expect: SIGNED_IN,
    call: () => ({ path: '/api/v1/courses/awareness/progress', body: { lessonKey: 'signs-and-context' } }),
  },
  // Required for coordinators and admins: they may not turn it off.
  'POST /profile/two-factor/disable': {
    expect: { ...SIGNED_IN, coordinatorInScope: 'forbidden', coordinatorOutOfScope: 'forbidden', admin: 'forbidden' },
    call: () => ({ path: '/profile/two-factor/disable', body: { password: 'not the password' } }),
  },
};

let clientAddress = 0;
/** Each request from its own address, so the abuse limits (per address) stay out of the way. */
const nextAddress = () => {
  clientAddress += 1;
  return `10.${(clientAddress >> 16) & 255}.${(clientAddress >> 8) & 255}.${clientAddress & 255}`;
};

function outcomeOf(status: number, location: string | undefined, api: boolean): Outcome | `error ${number}` {
  if (status >= 500) return `error ${status}`;
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (api) return status === 401 ? 'sign-in' : 'allowed';
  if ((status === 302 || status === 303) && location && /^\/sign-in(\?|$)/.test(location)) return 'sign-in';
  return 'allowed';
}

async function perform(route: string, entry: Entry, persona: Persona): Promise<Outcome | `error ${number}`> {
  const [method, routePath] = route.split(' ') as [string, string];
  const who = entry.fresh ? await signInPersona(app, persona) : signedIn.get(persona)!;
  const { path, body = {} } = entry.call ? await entry.call(who) : { path: routePath };
  const api = path.startsWith('/api/');
  if (api) {
    let call = request(app)[method.toLowerCase() as 'get'](path).set('X-Forwarded-For', nextAddress());
    if (who.token) call = call.set('Authorization', `Bearer ${who.token}`);
    const res = method === 'GET' || method === 'DELETE' ? await call : await call.send(body);
    return outcomeOf(res.status, res.headers.location, true);
  }
  // A form carries the CSRF token of a page the person can open, as their browser would send it.
  // (Fetched first: the agent attaches its cookies when a request is built.)
  const csrf = method === 'GET' ? undefined : csrfTokenIn((await who.agent.get(who.userId ? '/privacy' : '/sign-in').expect(200)).text);
  const call = who.agent[method.toLowerCase() as 'get'](path).set('X-Forwarded-For', nextAddress());
  const res = csrf === undefined ? await call : await call.type('form').send({ ...body, _csrf: csrf });
  return outcomeOf(res.status, res.headers.location, false);
}

beforeAll(async () => {
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
  await importModules();
  await seedReferenceData();
  for (const persona of PERSONAS) signedIn.set(persona, await signInPersona(app, persona));
});

it('has an entry for every route of the app, and no entry for a route that is gone', () => {
  const routes = listRoutes(app);
  expect(routes.filter((route) => !(route in MATRIX))).toEqual([]);
  expect(Object.keys(MATRIX).filter((route) => !routes.includes(route))).toEqual([]);
});

describe.each(Object.entries(MATRIX))('%s', (route, entry) => {
  it('answers each kind of person as the matrix says', async () => {
    const outcomes: Record<string, string> = {};
    for (const persona of PERSONAS) outcomes[persona] = await perform(route, entry, persona);
    expect(outcomes).toEqual(entry.expect);
  });
});

