import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { bearer, type MadeUser, makeUser, PASSWORD, signedInAgent, tokenFor } from './factory';
import enUsers from '../../locales/en/users.json';

const db = useTestDatabase(__filename);
let app: Express;
let adminToken: string;
let admin: MadeUser;

beforeAll(async () => {
  await seedReferenceData();
  app = await buildTestApp(db.database());
  admin = await makeUser({ email: 'admin@example.org', name: 'Ada Admin', roles: ['admin'] });
  adminToken = await tokenFor(admin);
});

const USER_FIELDS = ['city', 'country', 'createdAt', 'email', 'emailVerified', 'id', 'lastSignInAt', 'name', 'organisation', 'roles', 'scopeCountries', 'status'];

function newAccount(overrides: Record<string, unknown> = {}) {
  return { email: 'new.person@example.pt', name: 'Nova Pessoa', roles: ['trainer'], country: 'PT', password: PASSWORD, ...overrides };
}

/** How many of these addresses have an account (sanitizeFilter is on: the operator is marked as ours). */
function accountsWith(emails: string[]) {
  return User.countDocuments({ email: mongoose.trusted({ $in: emails }) });
}

async function auditEvents(query: string) {
  const res = await request(app).get(`/api/v1/audit-events?${query}`).set(bearer(adminToken)).expect(200);
  return res.body.items as Array<{ action: string; before: unknown; after: unknown; actor: { id: string }; target: { id: string; label: string }; at: string }>;
}

describe('GET /api/v1/users', () => {
  let coordinatorSpain: MadeUser;
  beforeAll(async () => {
    await makeUser({ email: 'list.pt@example.pt', name: 'Luísa (PT) Trainer', roles: ['trainer'], country: 'PT' });
    await makeUser({ email: 'list.es@example.es', name: 'Lucía Stakeholder', country: 'ES' });
    await makeUser({ email: 'list.fr@example.fr', name: 'Louis Désactivé', country: 'FR', status: 'disabled' });
    coordinatorSpain = await makeUser({ email: 'list.coord-es@example.es', name: 'Coordinator Spain', roles: ['coordinator'], country: 'ES', scopeCountries: ['ES'] });
  });

  it('answers anonymous callers 401 and stakeholders 403, as problem documents', async () => {
    await request(app).get('/api/v1/users').expect(401);
    const res = await request(app).get('/api/v1/users').set(bearer(await tokenFor(await makeUser({ email: 'just.stakeholder@example.pt', country: 'PT' })))).expect(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('lists accounts for an admin as {items, total, page, pageSize} with the documented fields', async () => {
    const res = await request(app).get('/api/v1/users?pageSize=2').set(bearer(adminToken)).expect(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 2, total: expect.any(Number) });
    expect(res.body.total).toBeGreaterThanOrEqual(5);
    expect(res.body.items).toHaveLength(2);
    expect(Object.keys(res.body.items[0]).sort()).toEqual(USER_FIELDS);
    expect(res.body.items[0]).not.toHaveProperty('passwordHash');
    const second = await request(app).get('/api/v1/users?pageSize=2&page=2').set(bearer(adminToken)).expect(200);
    expect(second.body.items.map((item: { id: string }) => item.id)).not.toContain(res.body.items[0].id);
    await request(app).get('/api/v1/users?pageSize=101').set(bearer(adminToken)).expect(400);
  });

  it('searches name and email case-insensitively, taking regex characters literally', async () => {
    const byName = await request(app).get('/api/v1/users').query({ q: 'LUÍSA' }).set(bearer(adminToken)).expect(200);
    expect(byName.body.items.map((item: { email: string }) => item.email)).toEqual(['list.pt@example.pt']);
    const byEmail = await request(app).get('/api/v1/users').query({ q: 'LIST.ES@' }).set(bearer(adminToken)).expect(200);
    expect(byEmail.body.items.map((item: { email: string }) => item.email)).toEqual(['list.es@example.es']);
    const literal = await request(app).get('/api/v1/users').query({ q: '(PT)' }).set(bearer(adminToken)).expect(200);
    expect(literal.body.total).toBe(1);
    for (const pattern of ['.*', '^l', '[a-z]+', 'a|b', '(pt|es)', '\\w']) {
      const res = await request(app).get('/api/v1/users').query({ q: pattern }).set(bearer(adminToken)).expect(200);
      expect({ pattern, total: res.body.total }).toEqual({ pattern, total: 0 });
    }
  });

  it('filters by role, status and country', async () => {
    const emails = async (query: string) =>
      (await request(app).get(`/api/v1/users?${query}`).set(bearer(adminToken)).expect(200)).body.items.map((item: { email: string }) => item.email);
    expect(await emails('role=coordinator')).toEqual(['list.coord-es@example.es']);
    expect(await emails('status=disabled')).toEqual(['list.fr@example.fr']);
    expect((await emails('country=es')).sort()).toEqual(['list.coord-es@example.es', 'list.es@example.es']);
    expect(await emails('country=ES&role=stakeholder&q=lucía')).toEqual(['list.es@example.es']);
  });

  it('shows a coordinator limited to some countries only the accounts there', async () => {
    const token = await tokenFor(coordinatorSpain);
    const res = await request(app).get('/api/v1/users').set(bearer(token)).expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((item: { country: string }) => item.country === 'ES')).toBe(true);
    const asked = await request(app).get('/api/v1/users?country=PT').set(bearer(token)).expect(200);
    expect(asked.body.total).toBe(0);
  });

  it('answers NoSQL operators and unknown parameters with 400, never 500 or results', async () => {
    for (const query of ['q[$gt]=', 'q[$regex]=.*', 'role[$ne]=admin', 'status[$exists]=true', 'sort=name', 'role=king', 'q=a&q=b']) {
      const res = await request(app).get(`/api/v1/users?${query}`).set(bearer(adminToken));
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
  });
});

describe('GET /api/v1/users/:id', () => {
  it('answers 404 for a malformed or unknown id', async () => {
    for (const id of ['not-an-id', '123', 'aaaaaaaaaaaa', '650000000000000000000000', '%24ne']) {
      const res = await request(app).get(`/api/v1/users/${id}`).set(bearer(adminToken));
      expect({ id, status: res.status }).toEqual({ id, status: 404 });
    }
  });

  it('hides other countries from a limited coordinator (404) and refuses colleagues they do not manage (403)', async () => {
    const token = await tokenFor(await makeUser({ email: 'coord-se@example.se', roles: ['coordinator'], country: 'SE', scopeCountries: ['SE'] }));
    const abroad = await makeUser({ email: 'trainer-it@example.it', roles: ['trainer'], country: 'IT' });
    const colleague = await makeUser({ email: 'coord2-se@example.se', roles: ['coordinator'], country: 'SE' });
    const trainer = await makeUser({ email: 'trainer-se@example.se', roles: ['trainer'], country: 'SE' });
    await request(app).get(`/api/v1/users/${abroad.id}`).set(bearer(token)).expect(404);
    await request(app).get(`/api/v1/users/${colleague.id}`).set(bearer(token)).expect(403);
    const res = await request(app).get(`/api/v1/users/${trainer.id}`).set(bearer(token)).expect(200);
    expect(res.body).toMatchObject({ id: trainer.id, email: 'trainer-se@example.se', roles: ['trainer'], country: 'SE', emailVerified: true });
  });
});

describe('POST /api/v1/users', () => {
  it('lets an admin create a verified account whose password works at once, and records it', async () => {
    const res = await request(app).post('/api/v1/users').set(bearer(adminToken)).send(newAccount({ email: 'Made.By.Admin@Example.pt', roles: ['trainer', 'stakeholder'] })).expect(201);
    expect(res.body).toEqual({ id: expect.any(String), email: 'made.by.admin@example.pt', roles: ['stakeholder', 'trainer'] });
    const stored = await User.findById(res.body.id).lean();
    expect(stored?.emailVerifiedAt).toBeInstanceOf(Date);
    expect(stored?.language).toBe('pt');
    await request(app).post('/api/v1/auth/tokens').send({ email: 'made.by.admin@example.pt', password: PASSWORD }).expect(201);
    const [event] = await auditEvents(`targetId=${res.body.id}`);
    expect(event).toMatchObject({ action: 'user.created', actor: { id: admin.id }, target: { id: res.body.id, label: 'made.by.admin@example.pt' }, before: {} });
    expect(event?.after).toMatchObject({ email: 'made.by.admin@example.pt', roles: ['stakeholder', 'trainer'], country: 'PT' });
  });

  it('lets a coordinator create a trainer in their countries, but not elsewhere nor a coordinator', async () => {
    const token = await tokenFor(await makeUser({ email: 'coord-pt@example.pt', roles: ['coordinator'], country: 'PT', scopeCountries: ['PT', 'ES'] }));
    const created = await request(app).post('/api/v1/users').set(bearer(token)).send(newAccount({ email: 'trainer.by.coord@example.pt' })).expect(201);
    expect(created.body.roles).toEqual(['trainer']);
    await request(app).post('/api/v1/users').set(bearer(token)).send(newAccount({ email: 'abroad@example.fr', country: 'FR' })).expect(403);
    await request(app).post('/api/v1/users').set(bearer(token)).send(newAccount({ email: 'peer@example.pt', roles: ['coordinator'] })).expect(403);
    await request(app).post('/api/v1/users').set(bearer(token)).send(newAccount({ email: 'boss@example.pt', roles: ['admin'] })).expect(403);
    expect(await accountsWith(['abroad@example.fr', 'peer@example.pt', 'boss@example.pt'])).toBe(0);
  });

  it('refuses trainers and stakeholders (403)', async () => {
    const token = await tokenFor(await makeUser({ email: 'a.trainer@example.pt', roles: ['trainer'], country: 'PT' }));
    await request(app).post('/api/v1/users').set(bearer(token)).send(newAccount({ email: 'x@example.pt', roles: ['stakeholder'] })).expect(403);
  });

  it('answers bad input with 400 and field errors, creating nothing', async () => {
    const res = await request(app).post('/api/v1/users').set(bearer(adminToken)).send({ email: 'nope', roles: ['king'], country: 'Narnia' }).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['country', 'email', 'name', 'roles.0']);
    const weak = await request(app).post('/api/v1/users').set(bearer(adminToken)).send(newAccount({ email: 'weak@example.pt', password: 'password1234' })).expect(400);
    expect(weak.body.errors).toEqual([{ path: 'password', message: expect.stringMatching(/common/) }]);
    const noRole = await request(app).post('/api/v1/users').set(bearer(adminToken)).send(newAccount({ email: 'norole@example.pt', roles: [] })).expect(400);
    expect(noRole.body.errors).toEqual([{ path: 'roles', message: enUsers.errors['roles-required'] }]);
    const unknownCountry = await request(app).post('/api/v1/users').set(bearer(adminToken)).send(newAccount({ email: 'xx@example.pt', country: 'XX' })).expect(400);
    expect(unknownCountry.body.errors.map((error: { path: string }) => error.path)).toEqual(['country']);
    await request(app).post('/api/v1/users').set(bearer(adminToken)).send(newAccount({ email: 'extra@example.pt', status: 'disabled' })).expect(400);
    await request(app).post('/api/v1/users').set(bearer(adminToken)).send(newAccount({ email: 'hash@example.pt', passwordHash: 'x' })).expect(400);
    expect(await accountsWith(['weak@example.pt', 'norole@example.pt', 'xx@example.pt', 'extra@example.pt', 'hash@example.pt'])).toBe(0);
  });

  it('answers NoSQL operators in the body with 400', async () => {
    const res = await request(app).post('/api/v1/users').set(bearer(adminToken)).send(newAccount({ email: { $ne: null }, name: { $gt: '' } })).expect(400);
    expect(res.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['email', 'name']);
  });

  it('answers a second account with one address, whatever its case, with 409', async () => {
    await request(app).post('/api/v1/users').set(bearer(adminToken)).send(newAccount({ email: 'twice@example.pt' })).expect(201);
    const res = await request(app).post('/api/v1/users').set(bearer(adminToken)).send(newAccount({ email: 'TWICE@example.pt' })).expect(409);
    expect(res.body).toMatchObject({ status: 409, type: '/problems/email-taken' });
  });
});

describe('PATCH /api/v1/users/:id', () => {
  it('changes roles, scope and status, and records each with before and after', async () => {
    const target = await makeUser({ email: 'patch.me@example.nl', roles: ['trainer'], country: 'NL' });
    const roles = await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send({ roles: ['coordinator', 'trainer'] }).expect(200);
    expect(roles.body).toMatchObject({ id: target.id, roles: ['trainer', 'coordinator'], status: 'active' });
    const scope = await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send({ scopeCountries: ['nl', 'BE', 'NL'] }).expect(200);
    expect(scope.body.scopeCountries).toEqual(['BE', 'NL']);
    const disabled = await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send({ status: 'disabled' }).expect(200);
    expect(disabled.body.status).toBe('disabled');
    await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send({ status: 'active' }).expect(200);

    const events = await auditEvents(`targetId=${target.id}`);
    expect(events.map(({ action, before, after }) => ({ action, before, after }))).toEqual([
      { action: 'user.enabled', before: { status: 'disabled' }, after: { status: 'active' } },
      { action: 'user.disabled', before: { status: 'active' }, after: { status: 'disabled' } },
      { action: 'user.scope-changed', before: { scopeCountries: [] }, after: { scopeCountries: ['BE', 'NL'] } },
      { action: 'user.roles-changed', before: { roles: ['trainer'] }, after: { roles: ['trainer', 'coordinator'] } },
    ]);
    expect(events.every((event) => event.actor.id === admin.id)).toBe(true);
    // A request that changes nothing records nothing.
    await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send({ roles: ['coordinator', 'trainer'], status: 'active' }).expect(200);
    expect(await auditEvents(`targetId=${target.id}`)).toHaveLength(4);
  });

  it('ends the sessions and stops the API tokens of a disabled account on the very next request', async () => {
    const target = await makeUser({ email: 'soon.disabled@example.be', name: 'Soon Disabled', roles: ['coordinator'], country: 'BE' });
    const token = await tokenFor(target);
    const browser = await signedInAgent(app, target);
    await request(app).get('/api/v1/me').set(bearer(token)).expect(200);
    expect((await browser.get('/admin/users').expect(200)).text).toContain('Soon Disabled');

    await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send({ status: 'disabled' }).expect(200);

    await request(app).get('/api/v1/me').set(bearer(token)).expect(401);
    const page = await browser.get('/admin/users').expect(303);
    expect(page.headers.location).toBe('/sign-in?returnTo=%2Fadmin%2Fusers');
    expect((await browser.get('/').expect(200)).text).not.toContain('Soon Disabled');
    await request(app).post('/api/v1/auth/tokens').send({ email: target.email, password: PASSWORD }).expect(401);

    // Enabled again, the account signs in anew; the ended session and token stay ended.
    await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send({ status: 'active' }).expect(200);
    expect((await browser.get('/').expect(200)).text).not.toContain('Soon Disabled');
    const revived = await request(app).get('/api/v1/me').set(bearer(token)).expect(401);
    expect(revived.body.type).toMatch(/\/invalid-token$/);
    await signedInAgent(app, target);
    await request(app).get('/api/v1/me').set(bearer(await tokenFor(target))).expect(200);
  });

  it('refuses an admin disabling themself or dropping their own admin role (409, with a message)', async () => {
    const self = await request(app).patch(`/api/v1/users/${admin.id}`).set(bearer(adminToken)).send({ status: 'disabled' }).expect(409);
    expect(self.body.errors).toEqual([{ path: 'status', message: enUsers.errors['self-disable'] }]);
    const demote = await request(app).patch(`/api/v1/users/${admin.id}`).set(bearer(adminToken)).send({ roles: ['coordinator'] }).expect(409);
    expect(demote.body.errors).toEqual([{ path: 'roles', message: enUsers.errors['self-demote'] }]);
    expect(await User.findById(admin.id).lean()).toMatchObject({ status: 'active', roles: ['admin'] });
    await request(app).get('/api/v1/users').set(bearer(adminToken)).expect(200);
  });

  it('lets a coordinator manage trainers and stakeholders in scope, within those two roles only', async () => {
    const token = await tokenFor(await makeUser({ email: 'coord-cz@example.cz', roles: ['coordinator'], country: 'CZ', scopeCountries: ['CZ'] }));
    const stakeholder = await makeUser({ email: 'stake-cz@example.cz', country: 'CZ' });
    const promoted = await request(app).patch(`/api/v1/users/${stakeholder.id}`).set(bearer(token)).send({ roles: ['stakeholder', 'trainer'] }).expect(200);
    expect(promoted.body.roles).toEqual(['stakeholder', 'trainer']);
    await request(app).patch(`/api/v1/users/${stakeholder.id}`).set(bearer(token)).send({ status: 'disabled' }).expect(200);
    await request(app).patch(`/api/v1/users/${stakeholder.id}`).set(bearer(token)).send({ status: 'active' }).expect(200);
    await request(app).patch(`/api/v1/users/${stakeholder.id}`).set(bearer(token)).send({ roles: ['coordinator'] }).expect(403);
    await request(app).patch(`/api/v1/users/${stakeholder.id}`).set(bearer(token)).send({ roles: ['trainer', 'admin'] }).expect(403);
    await request(app).patch(`/api/v1/users/${stakeholder.id}`).set(bearer(token)).send({ scopeCountries: ['CZ'] }).expect(403);
    const abroad = await makeUser({ email: 'stake-de@example.de', country: 'DE' });
    await request(app).patch(`/api/v1/users/${abroad.id}`).set(bearer(token)).send({ status: 'disabled' }).expect(404);
    expect(await User.findById(stakeholder.id).lean()).toMatchObject({ roles: ['stakeholder', 'trainer'], status: 'active', scopeCountries: [] });
    expect(await User.findById(abroad.id).lean()).toMatchObject({ status: 'active' });
  });

  it('answers bad input with 400 and unknown ids with 404', async () => {
    const target = await makeUser({ email: 'bad.patch@example.it', country: 'IT' });
    for (const body of [{ roles: ['king'] }, { roles: 'admin' }, { status: 'gone' }, { status: { $ne: null } }, { scopeCountries: ['Narnia'] }, { passwordHash: 'x' }, { email: 'x@example.org' }]) {
      const res = await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    const noRole = await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send({ roles: [] }).expect(400);
    expect(noRole.body.errors).toEqual([{ path: 'roles', message: enUsers.errors['roles-required'] }]);
    const unknownCountry = await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send({ scopeCountries: ['XX'] }).expect(400);
    expect(unknownCountry.body.errors.map((error: { path: string }) => error.path)).toEqual(['scopeCountries']);
    await request(app).patch('/api/v1/users/not-an-id').set(bearer(adminToken)).send({ status: 'disabled' }).expect(404);
    await request(app).patch('/api/v1/users/650000000000000000000000').set(bearer(adminToken)).send({ status: 'disabled' }).expect(404);
    await request(app).patch(`/api/v1/users/${target.id}`).send({ status: 'disabled' }).expect(401);
    expect(await User.findById(target.id).lean()).toMatchObject({ roles: ['stakeholder'], status: 'active' });
  });
});

describe('GET /api/v1/audit-events', () => {
  it('is for admins only', async () => {
    await request(app).get('/api/v1/audit-events').expect(401);
    const coordinator = await makeUser({ email: 'coord-gb@example.gb', roles: ['coordinator'], country: 'GB' });
    await request(app).get('/api/v1/audit-events').set(bearer(await tokenFor(coordinator))).expect(403);
  });

  it('pages newest first and filters by action and actor', async () => {
    const target = await makeUser({ email: 'audited@example.gr', roles: ['trainer'], country: 'GR' });
    for (const status of ['disabled', 'active', 'disabled']) {
      await request(app).patch(`/api/v1/users/${target.id}`).set(bearer(adminToken)).send({ status }).expect(200);
    }
    const res = await request(app).get(`/api/v1/audit-events?targetId=${target.id}&pageSize=2`).set(bearer(adminToken)).expect(200);
    expect(res.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(res.body.items.map((event: { action: string }) => event.action)).toEqual(['user.disabled', 'user.enabled']);
    expect(Date.parse(res.body.items[0].at)).toBeGreaterThanOrEqual(Date.parse(res.body.items[1].at));
    expect(res.body.items[0].requestId).toEqual(expect.any(String));
    const disabledOnly = await auditEvents(`targetId=${target.id}&action=user.disabled`);
    expect(disabledOnly).toHaveLength(2);
    const byActor = await auditEvents(`actorId=${admin.id}&action=user.enabled&targetId=${target.id}`);
    expect(byActor).toHaveLength(1);
    for (const query of ['targetId=nope', 'action=user.deleted', 'targetId[$ne]=x', 'pageSize=500']) {
      await request(app).get(`/api/v1/audit-events?${query}`).set(bearer(adminToken)).expect(400);
    }
  });
});
