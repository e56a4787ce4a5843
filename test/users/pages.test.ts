import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { AuditEvent } from '../../src/audit/model';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, fieldErrorIds } from '../support/forms';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import { formBody, type MadeUser, makeUser, signedInAgent } from './factory';
import enErrors from '../../locales/en/errors.json';
import enUsers from '../../locales/en/users.json';
import frErrors from '../../locales/fr/errors.json';

const db = useTestDatabase(__filename);
let app: Express;
let smtp: TestSmtpServer;
let admin: MadeUser;
/** One signed-in browser per person (each sign-in uses up a code of their authenticator app). */
let asAdmin: ReturnType<typeof request.agent>;
let asCoordinator: ReturnType<typeof request.agent>;
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const people: Record<string, MadeUser> = {};

beforeAll(async () => {
  await seedReferenceData();
  smtp = await startTestSmtpServer();
  app = await buildTestApp(db.database(), { SMTP_URL: smtp.url });
  admin = await makeUser({ email: 'admin@example.org', name: 'Ada Admin', roles: ['admin'] });
  const coordinator = await makeUser({ email: 'coord.be@example.be', name: 'Coralie Coordinator', roles: ['coordinator'], country: 'BE', scopeCountries: ['BE'] });
  people.trainerBe = await makeUser({ email: 'trainer.be@example.be', name: 'Thibault Trainer', roles: ['trainer'], country: 'BE' });
  people.stakeholderBe = await makeUser({ email: 'stake.be@example.be', name: 'Sofie Stakeholder', country: 'BE' });
  people.colleagueBe = await makeUser({ email: 'coord2.be@example.be', name: 'Colin Colleague', roles: ['coordinator'], country: 'BE' });
  people.trainerNl = await makeUser({ email: 'trainer.nl@example.nl', name: 'Noor Netherlands', roles: ['trainer'], country: 'NL' });
  people.disabledFr = await makeUser({ email: 'off.fr@example.fr', name: 'Fabienne Off', country: 'FR', status: 'disabled' });
  people.hostile = await makeUser({ email: 'hostile@example.be', name: HOSTILE, country: 'BE' });
  asAdmin = await signedInAgent(app, admin);
  asCoordinator = await signedInAgent(app, coordinator);
});

afterAll(async () => {
  await smtp?.stop();
});

/** Names in the list's table, in order. */
function namesIn(html: string): string[] {
  const table = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...table.matchAll(/<th scope="row">(?:<a href="[^"]*">)?([^<]*)/g)].map((match) => match[1]!.trim());
}

describe('who may open the pages', () => {
  it('sends visitors to sign in, and back afterwards', async () => {
    for (const path of ['/admin/users', '/admin/users/new', `/admin/users/${people.trainerBe!.id}`, '/admin/audit?action=user.created']) {
      const res = await request(app).get(path).expect(303);
      expect(res.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent(path)}`);
    }
  });

  it('shows everyone else the localised 403 page', async () => {
    const trainer = await signedInAgent(app, people.trainerNl!);
    for (const path of ['/admin/users', '/admin/users/new', `/admin/users/${people.trainerBe!.id}`, '/admin/audit']) {
      const res = await trainer.get(path).expect(403);
      expect(res.text).toContain(enErrors.forbidden.title);
    }
    expect((await trainer.get('/admin/users?lang=fr').expect(403)).text).toContain(frErrors.forbidden.title);
    // Coordinators may not read the audit log.
    expect((await asCoordinator.get('/admin/audit').expect(403)).text).toContain(enErrors.forbidden.title);
  });
});

describe('the list of users', () => {
  it('shows an admin every account in an accessible table, with search and filters', async () => {
    const res = await asAdmin.get('/admin/users?lang=en').expect(200);
    expect(res.text).toMatch(/<caption[ >]/);
    expect(res.text).toContain('<th scope="col">');
    expect(res.text).toContain('role="search"');
    expect(namesIn(res.text)).toEqual(expect.arrayContaining(['Ada Admin', 'Noor Netherlands', 'Fabienne Off', 'Colin Colleague']));
    expect(res.text).toContain(`href="/admin/users/${people.colleagueBe!.id}"`);

    const search = await asAdmin.get('/admin/users?q=NOOR').expect(200);
    expect(namesIn(search.text)).toEqual(['Noor Netherlands']);
    expect(search.text).toContain('value="NOOR"');
    const filtered = await asAdmin.get('/admin/users?status=disabled').expect(200);
    expect(namesIn(filtered.text)).toEqual(['Fabienne Off']);
    const byRoleAndCountry = await asAdmin.get('/admin/users?role=trainer&country=BE').expect(200);
    expect(namesIn(byRoleAndCountry.text)).toEqual(['Thibault Trainer']);
    const none = await asAdmin.get('/admin/users?q=nobody-at-all').expect(200);
    expect(none.text).toContain(enUsers.list.none);
  });

  it('pages through long lists, keeping the filters in the links', async () => {
    const res = await asAdmin.get('/admin/users?pageSize=2&country=BE').expect(200);
    expect(namesIn(res.text)).toHaveLength(2);
    expect(res.text).toContain('href="/admin/users?country=BE&amp;pageSize=2&amp;page=2"');
    const second = await asAdmin.get('/admin/users?country=BE&pageSize=2&page=2').expect(200);
    expect(namesIn(second.text)).toHaveLength(2);
    expect(namesIn(second.text)).not.toEqual(namesIn(res.text));
    expect(second.text).toContain('rel="prev"');
  });

  it('shows a limited coordinator only their countries, and links only accounts they manage', async () => {
    const res = await asCoordinator.get('/admin/users').expect(200);
    const names = namesIn(res.text);
    expect(names).toEqual(expect.arrayContaining(['Thibault Trainer', 'Sofie Stakeholder', 'Colin Colleague']));
    expect(names).not.toContain('Noor Netherlands');
    expect(names).not.toContain('Ada Admin');
    expect(res.text).toContain(`href="/admin/users/${people.trainerBe!.id}"`);
    expect(res.text).not.toContain(`href="/admin/users/${people.colleagueBe!.id}"`);
    expect(res.text).not.toContain('href="/admin/audit"');
    expect((await asCoordinator.get('/admin/users?country=NL').expect(200)).text).toContain(enUsers.list.none);
    await asCoordinator.get(`/admin/users/${people.trainerNl!.id}`).expect(404);
    await asCoordinator.get(`/admin/users/${people.colleagueBe!.id}`).expect(403);
  });

  it('shows a bad filter as a form error, keeping what was typed, and ignores operators in the query', async () => {
    const res = await asAdmin.get(`/admin/users?q=${'x'.repeat(101)}&role=king`).expect(400);
    expect(fieldErrorIds(res).sort()).toEqual(['q', 'role']);
    expect(res.text).toContain(`value="${'x'.repeat(101)}"`);
    const operators = await asAdmin.get('/admin/users?q[$ne]=x&role[$gt]=').expect(200);
    expect(namesIn(operators.text).length).toBeGreaterThan(3);
    await asAdmin.get('/admin/users/not-an-id').expect(404);
  });

  it('renders HTML and script in a name as text, in the list and on the account page', async () => {
    const list = await asAdmin.get('/admin/users?q=hostile').expect(200);
    const detail = await asAdmin.get(`/admin/users/${people.hostile!.id}`).expect(200);
    for (const page of [list.text, detail.text]) {
      expect(page).not.toContain('<script>alert(1)');
      expect(page).not.toContain('<img src=x');
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});

describe('the account page', () => {
  it('changes roles through the form, confirms it and records it', async () => {
    const target = await makeUser({ email: 'roles.form@example.de', name: 'Rolf Roles', roles: ['stakeholder'], country: 'DE' });
    const page = await asAdmin.get(`/admin/users/${target.id}`).expect(200);
    expect(page.text).toContain('<fieldset');
    expect(page.text).toContain(`<legend>${enUsers.detail['roles-legend']}</legend>`);
    const res = await asAdmin.post(`/admin/users/${target.id}/roles`).type('form').send(formBody({ _csrf: csrfTokenIn(page.text), roles: ['trainer', 'coordinator'] }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/users/${target.id}?done=roles`);
    expect((await User.findById(target.id).lean())?.roles).toEqual(['trainer', 'coordinator']);

    const after = await asAdmin.get(res.headers.location!).expect(200);
    expect(after.text).toContain(enUsers.done.roles);
    // The history on the page, in words.
    expect(after.text).toContain(enUsers.audit.actions.user['roles-changed']);
    expect(after.text).toContain('Roles: Local stakeholder → Trainer and Coordinator');
  });

  it('keeps the ticked boxes and explains when no role is ticked, changing nothing', async () => {
    const target = await makeUser({ email: 'no.role@example.de', roles: ['trainer'], country: 'DE' });
    const page = await asAdmin.get(`/admin/users/${target.id}`).expect(200);
    const res = await asAdmin.post(`/admin/users/${target.id}/roles`).type('form').send(formBody({ _csrf: csrfTokenIn(page.text) }));
    expect(res.status).toBe(400);
    expect(fieldErrorIds(res)).toEqual(['roles']);
    expect(res.text).toContain(enUsers.errors['roles-required']);
    expect(res.text).not.toMatch(/id="field-roles-trainer"[^>]*checked/);
    expect((await User.findById(target.id).lean())?.roles).toEqual(['trainer']);
  });

  it('sets a coordinator’s country scope with checkboxes of the 11 countries', async () => {
    const target = await makeUser({ email: 'scope.form@example.es', roles: ['coordinator'], country: 'ES' });
    const page = await asAdmin.get(`/admin/users/${target.id}`).expect(200);
    expect([...page.text.matchAll(/name="scopeCountries"/g)]).toHaveLength(11);
    const res = await asAdmin.post(`/admin/users/${target.id}/scope`).type('form').send(formBody({ _csrf: csrfTokenIn(page.text), scopeCountries: ['PT', 'ES'] }));
    expect(res.status).toBe(303);
    expect((await User.findById(target.id).lean())?.scopeCountries).toEqual(['ES', 'PT']);
    expect((await asAdmin.get(res.headers.location!).expect(200)).text).toContain(enUsers.done.scope);
  });

  it('disables and enables an account with one button each', async () => {
    const target = await makeUser({ email: 'toggle@example.pt', name: 'Tomás Toggle', country: 'PT' });
    const page = await asAdmin.get(`/admin/users/${target.id}`).expect(200);
    expect(page.text).toContain(enUsers.detail.disable);
    const res = await asAdmin.post(`/admin/users/${target.id}/status`).type('form').send({ _csrf: csrfTokenIn(page.text), status: 'disabled' });
    expect(res.headers.location).toBe(`/admin/users/${target.id}?done=disabled`);
    const disabled = await asAdmin.get(res.headers.location!).expect(200);
    expect(disabled.text).toContain(enUsers.done.disabled);
    expect(disabled.text).toContain(enUsers.detail.enable);
    expect((await User.findById(target.id).lean())?.status).toBe('disabled');
    const enabled = await asAdmin.post(`/admin/users/${target.id}/status`).type('form').send({ _csrf: csrfTokenIn(disabled.text), status: 'active' });
    expect(enabled.headers.location).toBe(`/admin/users/${target.id}?done=enabled`);
  });

  it('offers an admin no way to lock themself out, and refuses a forged attempt with the reason', async () => {
    const own = await asAdmin.get(`/admin/users/${admin.id}`).expect(200);
    expect(own.text).toContain(enUsers.detail['self-note']);
    expect(own.text).not.toContain(enUsers.detail.disable);
    const res = await asAdmin.post(`/admin/users/${admin.id}/status`).type('form').send({ _csrf: csrfTokenIn(own.text), status: 'disabled' });
    expect(res.status).toBe(409);
    expect(res.text).toContain(enUsers.errors['self-disable']);
    const demote = await asAdmin.post(`/admin/users/${admin.id}/roles`).type('form').send(formBody({ _csrf: csrfTokenIn(own.text), roles: 'trainer' }));
    expect(demote.status).toBe(409);
    expect(demote.text).toContain(enUsers.errors['self-demote']);
    // The form shows what was ticked, so the person sees what was refused.
    expect(demote.text).toMatch(/id="field-roles-trainer"[^>]*checked/);
    expect(await User.findById(admin.id).lean()).toMatchObject({ status: 'active', roles: ['admin'] });
  });

  it('gives a coordinator only the controls they may use', async () => {
    const page = await asCoordinator.get(`/admin/users/${people.stakeholderBe!.id}`).expect(200);
    expect(page.text).toContain('id="field-roles-trainer"');
    expect(page.text).not.toContain('id="field-roles-coordinator"');
    expect(page.text).not.toContain('name="scopeCountries"');
    expect(page.text).toContain(enUsers.detail.disable);
    // No audit history for coordinators.
    expect(page.text).not.toContain(enUsers.detail['history-heading']);
    const forged = await asCoordinator.post(`/admin/users/${people.stakeholderBe!.id}/roles`).type('form').send(formBody({ _csrf: csrfTokenIn(page.text), roles: ['coordinator'] }));
    expect(forged.status).toBe(403);
    const scope = await asCoordinator.post(`/admin/users/${people.stakeholderBe!.id}/scope`).type('form').send(formBody({ _csrf: csrfTokenIn(page.text), scopeCountries: 'BE' }));
    expect(scope.status).toBe(403);
    expect(await User.findById(people.stakeholderBe!.id).lean()).toMatchObject({ roles: ['stakeholder'], scopeCountries: [] });
  });

  it('refuses forms without a valid CSRF token, changing nothing', async () => {
    const target = await makeUser({ email: 'csrf.target@example.it', roles: ['trainer'], country: 'IT' });
    const events = await AuditEvent.countDocuments();
    for (const [action, form] of [
      [`/admin/users/${target.id}/roles`, formBody({ roles: ['admin'] })],
      [`/admin/users/${target.id}/status`, formBody({ status: 'disabled' })],
      [`/admin/users/${target.id}/scope`, formBody({ scopeCountries: 'IT', _csrf: 'forged' })],
      ['/admin/users/new', formBody({ name: 'Csrf Made', email: 'csrf.made@example.it', roles: 'stakeholder', country: 'IT' })],
    ] as const) {
      const res = await asAdmin.post(action).type('form').send(form);
      expect({ action, status: res.status }).toEqual({ action, status: 403 });
      expect(res.text).toContain(enErrors.csrf.title);
    }
    expect(await User.findById(target.id).lean()).toMatchObject({ roles: ['trainer'], status: 'active', scopeCountries: [] });
    expect(await User.countDocuments({ email: 'csrf.made@example.it' })).toBe(0);
    expect(await AuditEvent.countDocuments()).toBe(events);
  });
});

describe('creating an account', () => {
  it('with a password: the account exists, verified, and the page confirms it', async () => {
    const page = await asAdmin.get('/admin/users/new').expect(200);
    const res = await asAdmin.post('/admin/users/new').type('form').send(
      formBody({ _csrf: csrfTokenIn(page.text), name: 'Greta Green', email: 'Greta@Example.se', roles: ['trainer', 'stakeholder'], country: 'SE', language: '', password: 'lingonberries in the autumn' }),
    );
    expect(res.status).toBe(303);
    const stored = await User.findOne({ email: 'greta@example.se' }).lean();
    expect(stored).toMatchObject({ name: 'Greta Green', roles: ['stakeholder', 'trainer'], country: 'SE', language: 'sv' });
    expect(stored?.emailVerifiedAt).toBeInstanceOf(Date);
    expect(res.headers.location).toBe(`/admin/users/${String(stored!._id)}?done=created`);
    expect((await asAdmin.get(res.headers.location!).expect(200)).text).toContain(enUsers.done.created);
  });

  it('without a password: an invitation goes out and the page says to whom', async () => {
    const page = await asAdmin.get('/admin/users/new').expect(200);
    const res = await asAdmin.post('/admin/users/new').type('form').send(
      formBody({ _csrf: csrfTokenIn(page.text), name: 'Ivo Invited', email: 'ivo@example.cz', roles: 'trainer', country: 'CZ', language: 'en', password: '' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/\?done=invited$/);
    expect((await asAdmin.get(res.headers.location!).expect(200)).text).toContain(enUsers.done.invited.replace('{{email}}', 'ivo@example.cz'));
    await smtp.waitForMessage((message) => JSON.stringify(message.to).includes('ivo@example.cz'));
  });

  it('keeps what was typed, never the password, and shows each problem by its field', async () => {
    const page = await asAdmin.get('/admin/users/new').expect(200);
    const res = await asAdmin.post('/admin/users/new').type('form').send(
      formBody({ _csrf: csrfTokenIn(page.text), name: 'Kept Name', email: 'not-an-email', country: 'BE', language: '', password: 'short secret' }),
    );
    expect(res.status).toBe(400);
    expect(fieldErrorIds(res)).toEqual(['email']);
    expect(res.text).toContain('value="Kept Name"');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).not.toContain('short secret');

    const second = await asAdmin.post('/admin/users/new').type('form').send(
      formBody({ _csrf: csrfTokenIn(res.text), name: 'Kept Name', email: 'kept@example.be', country: 'BE', language: '', password: 'password1234' }),
    );
    expect(second.status).toBe(400);
    expect(fieldErrorIds(second).sort()).toEqual(['password', 'roles']);
    expect(second.text).toContain(enUsers.errors['roles-required']);

    const taken = await asAdmin.post('/admin/users/new').type('form').send(
      formBody({ _csrf: csrfTokenIn(second.text), name: 'Kept Name', email: 'TRAINER.be@example.be', roles: 'trainer', country: 'BE', language: '', password: '' }),
    );
    expect(taken.status).toBe(409);
    expect(fieldErrorIds(taken)).toEqual(['email']);
    expect(await User.countDocuments({ name: 'Kept Name' })).toBe(0);
  });

  it('offers a coordinator only the roles and countries they may use, and refuses others', async () => {
    const page = await asCoordinator.get('/admin/users/new').expect(200);
    expect(page.text).toContain('id="field-roles-trainer"');
    expect(page.text).not.toContain('id="field-roles-coordinator"');
    expect([...page.text.matchAll(/<option value="[A-Z]{2}"/g)].map((match) => match[0])).toEqual(['<option value="BE"']);
    const created = await asCoordinator.post('/admin/users/new').type('form').send(
      formBody({ _csrf: csrfTokenIn(page.text), name: 'Bart Belgian', email: 'bart@example.be', roles: 'trainer', country: 'BE', language: 'nl', password: '' }),
    );
    expect(created.status).toBe(303);
    const abroad = await asCoordinator.post('/admin/users/new').type('form').send(
      formBody({ _csrf: csrfTokenIn(page.text), name: 'Alien Abroad', email: 'alien@example.fr', roles: 'trainer', country: 'FR', language: '', password: '' }),
    );
    expect(abroad.status).toBe(403);
    expect(await User.countDocuments({ email: 'alien@example.fr' })).toBe(0);
  });
});

describe('the audit log page', () => {
  it('lists changes newest first with translated actions, filterable by action', async () => {
    const target = await makeUser({ email: 'audit.page@example.gr', name: 'Giorgos Audited', country: 'GR' });
    for (const status of ['disabled', 'active']) {
      const page = await asAdmin.get(`/admin/users/${target.id}`).expect(200);
      await asAdmin.post(`/admin/users/${target.id}/status`).type('form').send({ _csrf: csrfTokenIn(page.text), status }).expect(303);
    }
    const res = await asAdmin.get(`/admin/audit?targetId=${target.id}`).expect(200);
    expect(res.text).toMatch(/<caption[ >]/);
    expect(res.text).toContain('Ada Admin (admin@example.org)');
    expect(res.text).toContain('Status: Active → Disabled');
    const enabledAt = res.text.indexOf(`<td>${enUsers.audit.actions.user.enabled}</td>`);
    const disabledAt = res.text.indexOf(`<td>${enUsers.audit.actions.user.disabled}</td>`);
    expect(enabledAt).toBeGreaterThan(0);
    expect(disabledAt).toBeGreaterThan(enabledAt);

    const filtered = await asAdmin.get(`/admin/audit?targetId=${target.id}&action=user.disabled`).expect(200);
    expect(filtered.text).toContain(`<td>${enUsers.audit.actions.user.disabled}</td>`);
    expect(filtered.text).not.toContain(`<td>${enUsers.audit.actions.user.enabled}</td>`);
    const all = await asAdmin.get('/admin/audit').expect(200);
    expect(all.text).toContain(`href="/admin/users/${target.id}"`);
    await asAdmin.get('/admin/audit?action=user.deleted').expect(400);
  });
});
