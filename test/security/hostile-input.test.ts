/**
 * Hostile input on every form and account endpoint: NoSQL operators (JSON objects and
 * `field[$gt]=` form keys), repeated fields, oversized and scripted values. The forms are read
 * from the real pages, so a field added later is swept too. Nothing may answer 500, succeed
 * through an operator, or store anything but text.
 */
import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { seedReferenceData } from '../../src/reference/seed';
import { Attendance } from '../../src/attendance/model';
import { DEFAULT_SETTINGS, getSettings } from '../../src/attendance/settings';
import { importModules } from '../../src/courses/import';
import { CourseVersion } from '../../src/courses/model';
import { startDraft } from '../../src/courses/versions';
import { enrol } from '../../src/enrolment/service';
import { digest, newSecret } from '../../src/accounts/tokens';
import { SessionInvitation } from '../../src/invitations/model';
import { TrainingSession } from '../../src/sessions/model';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { actor } from '../support/course-authors';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createTargetAccount, PERSONA_PASSWORD, type SignedInPersona, signInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;
let stakeholder: SignedInPersona;
let admin: SignedInPersona;
let targetId: string;

beforeAll(async () => {
  await seedReferenceData();
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
  stakeholder = await signInPersona(app, 'stakeholder');
  admin = await signInPersona(app, 'admin');
  targetId = await createTargetAccount();
});

let address = 0;
/** Each request from its own address: this sweep is not about the abuse limits. */
const nextAddress = () => {
  address += 1;
  return `10.1.${(address >> 8) & 255}.${address & 255}`;
};

interface ScrapedForm {
  action: string;
  fields: Array<[string, string]>;
}

/** The POST forms of a page with their fields and the values the page put in them. */
function postFormsIn(html: string): ScrapedForm[] {
  return [...html.matchAll(/<form[^>]*method="post"[^>]*action="([^"#]+)[^"]*"[^>]*>([\s\S]*?)<\/form>/g)]
    .map(([, action, inner]) => ({
      action: action!.replace(/&amp;/g, '&'),
      fields: [...inner!.matchAll(/<(?:input|select|textarea)[^>]*\bname="([^"]+)"(?:[^>]*\bvalue="([^"]*)")?/g)].map(
        ([, name, value]) => [name!, (value ?? '').replace(/&amp;/g, '&')] as [string, string],
      ),
    }))
    .filter((form) => form.action !== '/sign-out');
}

function encode(pairs: Array<[string, string]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of pairs) params.append(name, value);
  return params.toString();
}

const HOSTILE = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>';

/** The ways one field of a form can be abused, keeping every other field as the page had it. */
function variantsOf(form: ScrapedForm, field: string): Array<{ label: string; body: string }> {
  const others = form.fields.filter(([name]) => name !== field);
  const csrf = form.fields.filter(([name]) => name === '_csrf');
  return [
    { label: `${field}[$ne]`, body: encode([...others, [`${field}[$ne]`, 'x'], [`${field}[$gt]`, '']]) },
    { label: `${field} twice`, body: encode([...others, [field, 'a'], [field, 'b']]) },
    { label: `${field} long`, body: encode([...others, [field, 'é'.repeat(5_000)]]) },
    { label: `${field} script`, body: encode([...others, [field, HOSTILE]]) },
    { label: `${field} control characters`, body: encode([...others, [field, 'a\u0000b\u202ec\ud800']]) },
    // JSON is not how forms arrive: the page refuses it (no CSRF token read), changing nothing.
    { label: `${field} as JSON operator`, body: JSON.stringify({ ...Object.fromEntries(csrf), [field]: { $ne: null } }) },
  ];
}

async function sweep(agent: SignedInPersona['agent'], pages: string[]) {
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let tried = 0;
  for (const pagePath of pages) {
    for (const form of postFormsIn((await agent.get(pagePath).expect(200)).text)) {
      for (const [field] of form.fields.filter(([name]) => name !== '_csrf')) {
        for (const variant of variantsOf(form, field)) {
          // Fresh token each time: a form that succeeded may have rotated the session.
          const fresh = postFormsIn((await agent.get(pagePath)).text).find((candidate) => candidate.action === form.action);
          const csrf = fresh?.fields.find(([name]) => name === '_csrf')?.[1] ?? '';
          const json = variant.label.endsWith('as JSON operator');
          const body = json ? variant.body : variant.body.replace(/(^|&)_csrf=[^&]*/, `$1_csrf=${encodeURIComponent(csrf)}`);
          const res = await agent
            .post(form.action)
            .set('X-Forwarded-For', nextAddress())
            .type(json ? 'json' : 'form')
            .send(body);
          tried += 1;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) failures.push(`${form.action} ${variant.label}: ${res.status}`);
          if (json && res.status !== 403) failures.push(`${form.action} ${variant.label}: ${res.status}, expected 403`);
          if (res.text.includes('<script>alert(1)')) failures.push(`${form.action} ${variant.label}: script echoed unescaped`);
        }
      }
    }
  }
  return { failures, tried, refusedAsInvalid: statuses.get(400) ?? 0 };
}

/** Every string field of every account is a string: no operator object was ever stored. */
async function everyStoredValueIsText() {
  const users = await User.find({}).lean();
  for (const user of users) {
    for (const key of ['email', 'name', 'organisationName', 'country', 'city', 'sector', 'language', 'status'] as const) {
      const value = user[key];
      if (value !== undefined) expect(typeof value).toBe('string');
    }
  }
}

describe('forms', () => {
  it('survive hostile values in every field of the public forms', async () => {
    const anonymous = await signInPersona(app, 'anonymous');
    const { failures, tried, refusedAsInvalid } = await sweep(anonymous.agent, ['/register', '/sign-in', '/reset-password']);
    expect(tried).toBeGreaterThan(50);
    expect(failures).toEqual([]);
    // The forms really were judged on their content, not all turned away at the door.
    expect(refusedAsInvalid).toBeGreaterThan(tried / 4);
    await everyStoredValueIsText();
  });

  it('survive hostile values in every field of the profile and two-factor forms', async () => {
    const { failures, tried, refusedAsInvalid } = await sweep(stakeholder.agent, ['/profile', '/profile/two-factor']);
    expect(tried).toBeGreaterThan(50);
    expect(failures).toEqual([]);
    // The forms really were judged on their content, not all turned away at the door.
    expect(refusedAsInvalid).toBeGreaterThan(tried / 4);
    await everyStoredValueIsText();
    // Still signed in with the same password: nothing reached the password or email forms.
    const me = await User.findById(stakeholder.userId).lean();
    expect(me?.email).toBe(stakeholder.email);
  });

  it('survive hostile values in every field of the administration forms', async () => {
    const { failures, tried, refusedAsInvalid } = await sweep(admin.agent, ['/admin/users/new', `/admin/users/${targetId}`, '/admin/programme']);
    expect(tried).toBeGreaterThan(30);
    expect(failures).toEqual([]);
    // The forms really were judged on their content, not all turned away at the door.
    expect(refusedAsInvalid).toBeGreaterThan(tried / 4);
    await everyStoredValueIsText();
    // The programme's rule is still the default one: no hostile value was saved as a setting.
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
  });
});

describe('forms of courses, sessions and attendance', () => {
  // One test per page: each sweep is long on FerretDB (every request scans), so each has its own time.
  const pages: Record<string, string> = {};
  let draftId: unknown;

  beforeAll(async () => {
    await importModules();
    const acting = { ...actor(['admin']), id: admin.userId!, name: 'admin' };
    const draft = await startDraft(acting, 'schools');
    draftId = draft._id;
    const key = draft.lessons[0]!.key;
    const trainer = await User.create({ email: 'sweep-trainer@example.org', name: 'Sweep Trainer', passwordHash: 'x', roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
    const { session } = await scheduleSession(acting, { title: 'Swept', courses: ['awareness'], language: 'fr', city: 'be-brussels', venue: { name: 'Hôtel de Ville', address: 'Grand-Place 1' }, days: defaultDays('2026-02-02'), capacity: 10, trainers: [String(trainer._id)] }, new Date('2026-01-01'));
    await enrol(acting, String(session._id), { userId: targetId });
    const id = String(session._id);
    // An invitation on the roster, so that its "withdraw" form is swept too.
    await SessionInvitation.create({ session: session._id, contact: 'swept@example.org', email: 'swept@example.org', invitedBy: trainer._id, inviterName: 'Sweep Trainer', tokenHash: digest(newSecret()), expiresAt: new Date(Date.now() + 86_400_000) });
    Object.assign(pages, {
      'lesson editor': `/authoring/schools/versions/${draft.version}/lessons/${key}?content=en`,
      'new lesson': `/authoring/schools/versions/${draft.version}/lessons/new`,
      changelog: `/authoring/schools/versions/${draft.version}/changelog`,
      'session form': '/sessions/new',
      'session edit': `/sessions/${id}/edit`,
      roster: `/sessions/${id}/roster`,
      'roll call': `/sessions/${id}/days/1/roll-call`,
    });
  });

  it.each(['lesson editor', 'new lesson', 'changelog', 'session form', 'session edit', 'roster', 'roll call'])('survive hostile values in every field: %s', async (name) => {
    const { failures, tried } = await sweep(admin.agent, [pages[name]!]);
    expect(tried).toBeGreaterThan(5);
    expect(failures).toEqual([]);
    await everyStoredValueIsText();
    // Titles, bodies and statuses are still text: no operator or array was stored anywhere.
    const stored = (await CourseVersion.findById(draftId).lean())!;
    for (const lesson of stored.lessons) for (const text of Object.values(lesson.content)) expect(typeof text!.body).toBe('string');
    for (const saved of await TrainingSession.find().lean()) expect(typeof saved.title).toBe('string');
    for (const record of await Attendance.find().lean()) expect(['present', 'late', 'excused', 'absent']).toContain(record.status);
  }, 180_000);
});

describe('the invitation answer form', () => {
  it('survives hostile values in every field and changes nothing', async () => {
    await importModules();
    const trainer = await User.create({ email: 'invite-trainer@example.org', name: 'Invite Trainer', passwordHash: 'x', roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
    const { session } = await scheduleSession({ ...actor(['trainer']), id: String(trainer._id), name: 'Invite Trainer' }, { title: 'Invited', courses: ['awareness'], language: 'fr', city: 'be-brussels', venue: { name: 'Salle', address: 'Rue 1' }, days: defaultDays('2032-02-02'), capacity: 10 });
    const secret = newSecret();
    await SessionInvitation.create({ session: session._id, contact: stakeholder.email, email: stakeholder.email, invitedBy: trainer._id, inviterName: 'Invite Trainer', tokenHash: digest(secret), expiresAt: new Date(Date.now() + 86_400_000) });
    const { failures, tried } = await sweep(stakeholder.agent, [`/session-invitation?token=${secret}`]);
    // The link's token, in each hostile form (the answer is a button: sent below).
    expect(tried).toBeGreaterThanOrEqual(6);
    expect(failures).toEqual([]);
    const page = await stakeholder.agent.get(`/session-invitation?token=${secret}`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    for (const answer of ['maybe', '', 'accept[$ne]', '<script>alert(1)</script>']) {
      const res = await stakeholder.agent.post('/session-invitation').type('form').send({ _csrf: csrf, token: secret, answer });
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('<script>alert(1)');
    }
    // No hostile value answered it: without a proper answer nothing is recorded.
    expect((await SessionInvitation.findOne({ session: session._id }).lean())!.status).toBe('pending');
  });
});

describe('the JSON API', () => {
  const OPERATORS: unknown[] = [{ $ne: null }, { $gt: '' }, { $regex: '.*' }, ['a', 'b'], { toString: 'x' }];

  const ENDPOINTS: Array<{ label: string; method: 'post' | 'patch' | 'put'; path: () => string; body: Record<string, unknown>; as?: () => SignedInPersona }> = [
    {
      label: 'POST /api/v1/auth/register',
      method: 'post',
      path: () => '/api/v1/auth/register',
      body: { email: 'new@example.org', password: PERSONA_PASSWORD, name: 'New', country: 'BE', city: 'be-liege', organisation: 'x', sector: 'police', language: 'fr' },
    },
    { label: 'POST /api/v1/auth/tokens', method: 'post', path: () => '/api/v1/auth/tokens', body: { email: 'someone@example.org', password: PERSONA_PASSWORD, otp: '123456', name: 'x' } },
    { label: 'PATCH /api/v1/me', method: 'patch', path: () => '/api/v1/me', body: { name: 'x', organisation: 'x', sector: 'police', language: 'fr', country: 'BE', city: 'be-liege' }, as: () => stakeholder },
    {
      label: 'POST /api/v1/users',
      method: 'post',
      path: () => '/api/v1/users',
      body: { email: 'made@example.org', name: 'Made', roles: ['trainer'], password: PERSONA_PASSWORD, country: 'BE', language: 'en' },
      as: () => admin,
    },
    { label: 'PATCH /api/v1/users/:id', method: 'patch', path: () => `/api/v1/users/${targetId}`, body: { roles: ['trainer'], scopeCountries: [], status: 'active' }, as: () => admin },
    { label: 'PUT /api/v1/settings/programme', method: 'put', path: () => '/api/v1/settings/programme', body: { target: 200, countingStatuses: ['present', 'late'], requiredShare: 1 }, as: () => admin },
  ];

  it.each(ENDPOINTS.map((endpoint) => [endpoint.label, endpoint] as const))(
    '%s answers 400 problem+json to an operator or array in any field, changing nothing',
    async (_label, endpoint) => {
      const before = await User.countDocuments();
      const tokenBefore = await mongoose.connection.collection('api_tokens').countDocuments();
      for (const field of Object.keys(endpoint.body)) {
        for (const operator of OPERATORS) {
          // Arrays are the right type where the field is a list (roles, scopeCountries).
          if (Array.isArray(operator) && Array.isArray(endpoint.body[field])) continue;
          let call = request(app)[endpoint.method](endpoint.path()).set('X-Forwarded-For', nextAddress());
          const who = endpoint.as?.();
          if (who?.token) call = call.set('Authorization', `Bearer ${who.token}`);
          // A new address each time, so the per-account sign-in limit does not answer first.
          const email = field === 'email' || !('email' in endpoint.body) ? {} : { email: `probe-${address}@example.org` };
          const res = await call.send({ ...endpoint.body, ...email, [field]: operator });
          expect({ field, operator, status: res.status }).toEqual({ field, operator, status: 400 });
          expect(res.type).toBe('application/problem+json');
          expect(res.body.errors.map((error: { path: string }) => error.path)).toContain(field);
        }
      }
      expect(await User.countDocuments()).toBe(before);
      expect(await mongoose.connection.collection('api_tokens').countDocuments()).toBe(tokenBefore);
      await everyStoredValueIsText();
    },
  );

  it('ignores operator-shaped query keys in lists (no injection, no 500)', async () => {
    for (const query of ['q[$ne]=x', 'role[$gt]=', 'status[$ne]=active', 'country[$regex]=.*', 'page[$gt]=1']) {
      const res = await request(app).get(`/api/v1/users?${query}`).set('Authorization', `Bearer ${admin.token}`);
      expect([200, 400]).toContain(res.status);
    }
  });
});
