import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { createAccountByOperator } from '../../src/accounts/service';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { PASSWORD } from './helpers';

const db = useTestDatabase(__filename);
let app: Express;

beforeAll(async () => {
  await seedReferenceData();
  app = await buildTestApp(db.database());
});

async function account(email: string) {
  await createAccountByOperator({ email, name: 'Nora Schmidt', roles: ['stakeholder'], password: PASSWORD, language: 'de' });
}

async function tokenFor(email: string, name = 'script'): Promise<string> {
  const res = await request(app).post('/api/v1/auth/tokens').send({ email, password: PASSWORD, name }).expect(201);
  return res.body.token as string;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('GET /api/v1/auth/tokens', () => {
  it('lists the caller’s live tokens, marking the one in use, and no one else’s', async () => {
    await account('lister@example.de');
    await account('neighbour@example.de');
    const first = await tokenFor('lister@example.de', 'HR system');
    const second = await tokenFor('lister@example.de', 'Attendance export');
    await tokenFor('neighbour@example.de', 'Not yours');

    const res = await request(app).get('/api/v1/auth/tokens').set(bearer(second)).expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.items).toHaveLength(2);
    const byName = Object.fromEntries(res.body.items.map((item: { name: string }) => [item.name, item]));
    expect(byName['Attendance export']).toEqual({
      id: expect.stringMatching(/^[a-f0-9]{24}$/),
      name: 'Attendance export',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      expiresAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      lastUsedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      current: true,
    });
    expect(byName['HR system']).toMatchObject({ current: false, lastUsedAt: null });
    // Nothing secret is listed: neither the token nor its digest.
    expect(JSON.stringify(res.body)).not.toContain(first.slice(7));
    expect(JSON.stringify(res.body)).not.toMatch(/hash/i);
  });

  it('answers without a token, or with a revoked one, with 401 problem+json', async () => {
    const anonymous = await request(app).get('/api/v1/auth/tokens').expect(401);
    expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
    await account('gone@example.de');
    const token = await tokenFor('gone@example.de');
    await request(app).delete('/api/v1/auth/tokens/current').set(bearer(token)).expect(204);
    await request(app).get('/api/v1/auth/tokens').set(bearer(token)).expect(401);
  });
});

describe('DELETE /api/v1/auth/tokens/:id', () => {
  it('revokes one of the caller’s tokens; another’s, unknown or malformed ids are 404', async () => {
    await account('owner@example.de');
    await account('stranger@example.de');
    const kept = await tokenFor('owner@example.de', 'kept');
    const doomed = await tokenFor('owner@example.de', 'doomed');
    const strangers = await tokenFor('stranger@example.de', 'theirs');
    const ids = async (token: string) =>
      Object.fromEntries((await request(app).get('/api/v1/auth/tokens').set(bearer(token)).expect(200)).body.items.map((item: { name: string; id: string }) => [item.name, item.id]));
    const mine = await ids(kept);
    const theirs = await ids(strangers);

    const other = await request(app).delete(`/api/v1/auth/tokens/${theirs.theirs}`).set(bearer(kept)).expect(404);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(app).get('/api/v1/me').set(bearer(strangers)).expect(200);
    await request(app).delete('/api/v1/auth/tokens/0123456789abcdef01234567').set(bearer(kept)).expect(404);
    await request(app).delete('/api/v1/auth/tokens/not-an-id').set(bearer(kept)).expect(404);
    await request(app).delete(`/api/v1/auth/tokens/${mine.doomed}`).expect(401);

    await request(app).delete(`/api/v1/auth/tokens/${mine.doomed}`).set(bearer(kept)).expect(204);
    await request(app).get('/api/v1/me').set(bearer(doomed)).expect(401);
    await request(app).delete(`/api/v1/auth/tokens/${mine.doomed}`).set(bearer(kept)).expect(404);
    const left = await request(app).get('/api/v1/auth/tokens').set(bearer(kept)).expect(200);
    expect(left.body.items.map((item: { name: string }) => item.name)).toEqual(['kept']);
  });
});

describe('PATCH /api/v1/me', () => {
  it('changes the caller’s details and answers with the profile', async () => {
    await account('patch@example.de');
    const token = await tokenFor('patch@example.de');
    const res = await request(app)
      .patch('/api/v1/me')
      .set(bearer(token))
      .send({ name: '  Nora Schmidt-Weber ', country: 'de', city: 'de-dusseldorf', organisation: 'Jugendamt Düsseldorf', sector: 'social-youth-work', language: 'fr' })
      .expect(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      email: 'patch@example.de',
      name: 'Nora Schmidt-Weber',
      roles: ['stakeholder'],
      country: 'DE',
      city: 'de-dusseldorf',
      organisation: 'Jugendamt Düsseldorf',
      organisationId: null,
      sector: 'social-youth-work',
      language: 'fr',
      emailVerified: true,
    });
    const me = await request(app).get('/api/v1/me').set(bearer(token)).expect(200);
    expect(me.body).toMatchObject({ name: 'Nora Schmidt-Weber', language: 'fr', city: 'de-dusseldorf' });

    // Only what is sent changes; null clears an optional field.
    const partial = await request(app).patch('/api/v1/me').set(bearer(token)).send({ sector: null, organisation: 'city-of-dusseldorf' }).expect(200);
    expect(partial.body).toMatchObject({ name: 'Nora Schmidt-Weber', sector: null, organisationId: 'city-of-dusseldorf', language: 'fr' });
    expect(partial.body.organisation).toBeTruthy();
    const stored = await User.findOne({ email: 'patch@example.de' }).lean();
    expect(stored?.sector).toBeUndefined();
  });

  it('refuses bad input with 400 problem+json and field errors, changing nothing', async () => {
    await account('strict@example.de');
    const token = await tokenFor('strict@example.de');
    const patch = (body: unknown) => request(app).patch('/api/v1/me').set(bearer(token)).send(body as object);

    const bad = await patch({ name: '', country: 'Narnia', sector: 'astronaut', language: 'xx' }).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['country', 'language', 'name', 'sector']);
    for (const error of bad.body.errors) expect(error.message).toEqual(expect.any(String));

    const unknownCountry = await patch({ country: 'XX' }).expect(400);
    expect(unknownCountry.body.errors).toEqual([{ path: 'country', message: expect.any(String) }]);
    // A city must lie in the account's country.
    await patch({ country: 'FR' }).expect(200);
    const elsewhere = await patch({ city: 'de-dusseldorf' }).expect(400);
    expect(elsewhere.body.errors).toEqual([{ path: 'city', message: expect.any(String) }]);

    // Fields the caller may not set here are refused, not ignored.
    const roles = await patch({ roles: ['admin'], email: 'someone@else.example' }).expect(400);
    expect(roles.body.errors[0].message).toMatch(/roles/);
    const stored = await User.findOne({ email: 'strict@example.de' }).lean();
    expect(stored).toMatchObject({ name: 'Nora Schmidt', roles: ['stakeholder'], language: 'de', country: 'FR' });
  });

  it('refuses NoSQL operators in place of values', async () => {
    await account('operators@example.de');
    const token = await tokenFor('operators@example.de');
    for (const body of [{ name: { $ne: null } }, { organisation: { $gt: '' } }, { city: { $regex: '.*' } }, { language: { $in: ['en'] } }]) {
      const res = await request(app).patch('/api/v1/me').set(bearer(token)).send(body).expect(400);
      expect(res.body.status).toBe(400);
    }
    expect(await User.findOne({ email: 'operators@example.de' }).lean()).toMatchObject({ name: 'Nora Schmidt', language: 'de' });
  });

  it('needs a token', async () => {
    await request(app).patch('/api/v1/me').send({ name: 'Anonymous' }).expect(401);
  });
});
