import type { Express } from 'express';
import request from 'supertest';
import { createApiToken } from '../../src/accounts/api-token';
import { User } from '../../src/accounts/model';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';

const db = useTestDatabase(__filename);
let app: Express;

beforeAll(async () => {
  await seedReferenceData();
  app = await buildTestApp(db.database());
});

const PASSWORD = 'a sensible long passphrase';

function register(email: string, extra: Record<string, unknown> = {}) {
  return request(app)
    .post('/api/v1/auth/register')
    .send({ email, password: PASSWORD, name: 'Ana Setúbal', country: 'PT', city: 'pt-setubal', organisation: 'city-of-setubal', sector: 'education', language: 'pt', ...extra });
}

async function tokenFor(email: string) {
  const res = await request(app).post('/api/v1/auth/tokens').send({ email, password: PASSWORD, name: 'script' }).expect(201);
  return res.body.token as string;
}

describe('POST /api/v1/auth/register', () => {
  it('creates a stakeholder and answers 202 {status, email}', async () => {
    const res = await register('Ana@Example.pt').expect(202);
    expect(res.body).toEqual({ status: 'verification-sent', email: 'ana@example.pt' });
    expect(await User.findOne({ email: 'ana@example.pt' }).lean()).toMatchObject({ roles: ['stakeholder'], country: 'PT', language: 'pt' });
  });

  it('answers bad input with 400 problem+json and field errors, creating nothing', async () => {
    const res = await register('bad', { password: 'short', country: 'Narnia' }).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['country', 'email']);
    const weak = await register('weak@example.pt', { password: 'password1234' }).expect(400);
    expect(weak.body.errors).toEqual([{ path: 'password', message: expect.stringMatching(/common/) }]);
    expect(await User.countDocuments({ email: 'bad' })).toBe(0);
    expect(await User.countDocuments({ email: 'weak@example.pt' })).toBe(0);
  });

  it('refuses NoSQL operators in place of values', async () => {
    const res = await request(app).post('/api/v1/auth/register').send({ email: { $ne: null }, password: { $gt: '' }, name: 'x', country: 'PT' }).expect(400);
    expect(res.body.status).toBe(400);
  });

  it('answers a second registration of one address exactly as the first, changing nothing', async () => {
    const first = await register('dup@example.pt').expect(202);
    const before = await User.findOne({ email: 'dup@example.pt' }).lean();
    const second = await register('DUP@example.pt', { name: 'Someone Else', password: 'another sensible passphrase' }).expect(202);
    expect(second.body).toEqual(first.body);
    expect(await User.find({ email: 'dup@example.pt' }).lean()).toEqual([before]);
  });
});

describe('API tokens', () => {
  it('issue a token that reads /me, and revoke it', async () => {
    await register('token@example.pt').expect(202);
    const created = await request(app).post('/api/v1/auth/tokens').send({ email: 'token@example.pt', password: PASSWORD }).expect(201);
    expect(created.body.token).toMatch(/^liaise_/);
    const days = (new Date(created.body.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const me = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${created.body.token}`).expect(200);
    expect(me.body).toMatchObject({ email: 'token@example.pt', name: 'Ana Setúbal', roles: ['stakeholder'], country: 'PT', city: 'pt-setubal', language: 'pt' });
    expect(me.body.organisation).toBe('Câmara Municipal de Setúbal');

    await request(app).delete('/api/v1/auth/tokens/current').set('Authorization', `Bearer ${created.body.token}`).expect(204);
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${created.body.token}`).expect(401);
  });

  it('serve localised fields in the owner’s language unless ?lang= says otherwise', async () => {
    // Made directly: this file's registrations already use up the per-address hourly limit.
    const owner = await User.create({ email: 'lingua@example.pt', name: 'Lingua', passwordHash: 'unused', language: 'pt', emailVerifiedAt: new Date() });
    const { token } = await createApiToken(String(owner._id), 'script');
    const inPortuguese = await request(app).get('/api/v1/countries').set('Authorization', `Bearer ${token}`).expect(200);
    expect(inPortuguese.body.lang).toBe('pt');
    expect(inPortuguese.body.items.find((country: { code: string }) => country.code === 'DE').name).toBe('Alemanha');
    const asked = await request(app).get('/api/v1/countries?lang=de').set('Authorization', `Bearer ${token}`).expect(200);
    expect(asked.body.lang).toBe('de');
    expect(asked.body.items.find((country: { code: string }) => country.code === 'DE').name).toBe('Deutschland');
  });

  it('refuses wrong credentials alike for unknown and known accounts', async () => {
    await register('known@example.pt').expect(202);
    const wrong = await request(app).post('/api/v1/auth/tokens').send({ email: 'known@example.pt', password: 'not it at all' }).expect(401);
    const unknown = await request(app).post('/api/v1/auth/tokens').send({ email: 'unknown@example.pt', password: 'not it at all' }).expect(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('stops working at once when the account is disabled', async () => {
    await register('disabled@example.pt').expect(202);
    const token = await tokenFor('disabled@example.pt');
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    await User.updateOne({ email: 'disabled@example.pt' }, { $set: { status: 'disabled' } });
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('act with the owner’s current roles', async () => {
    await register('promoted@example.pt').expect(202);
    const token = await tokenFor('promoted@example.pt');
    await User.updateOne({ email: 'promoted@example.pt' }, { $set: { roles: ['trainer'] } });
    const me = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body.roles).toEqual(['trainer']);
  });

  it('answer a missing, malformed or forged token with 401 problem+json', async () => {
    await request(app).get('/api/v1/me').expect(401);
    for (const header of ['Bearer', 'Bearer liaise_forged', 'Basic abc', `Bearer ${'x'.repeat(5000)}`]) {
      const res = await request(app).get('/api/v1/me').set('Authorization', header).expect(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});
