import type { Express } from 'express';
import request from 'supertest';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { submitForm } from '../support/forms';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import enErrors from '../../locales/en/errors.json';

// Its own file and database: the counters it fills would throttle other tests' sign-ins.
const db = useTestDatabase(__filename);
let app: Express;
/** Behind a proxy, so each test can speak from its own client address. */
let proxied: Express;

beforeAll(async () => {
  app = await buildTestApp(db.database());
  proxied = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
});

describe('sign-in abuse limits', () => {
  it('allows 10 failures per account in 15 minutes, then answers 429 with Retry-After', async () => {
    const email = 'throttled@example.org';
    let last = 0;
    for (let attempt = 0; attempt < 11; attempt += 1) {
      last = (await submitForm(request.agent(app), '/sign-in', '/sign-in', { email, password: `wrong password ${attempt}` })).status;
    }
    expect(last).toBe(429);
    const blocked = await submitForm(request.agent(app), '/sign-in', '/sign-in', { email, password: 'whatever it is now' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.text).toContain(enErrors['too-many-requests'].title);
  });
});

describe('sign-in abuse limits under concurrency', () => {
  const PASSWORD = 'a sentence long enough to sign in with';
  const fromAddress = (address: string) => ({ 'X-Forwarded-For': address });

  it('50 people signing in at once behind one address are all let in, and the address stays open', async () => {
    const hash = await hashPassword(PASSWORD);
    const people = await User.insertMany(
      Array.from({ length: 50 }, (_, n) => ({ email: `room-${n}@example.org`, name: `Room ${n}`, passwordHash: hash, roles: ['stakeholder'], country: 'BE', emailVerifiedAt: new Date() })),
    );
    const tokens = await Promise.all(
      people.map((person) => request(proxied).post('/api/v1/auth/tokens').set(fromAddress('198.51.100.7')).send({ email: person.email, password: PASSWORD })),
    );
    expect(tokens.map((res) => res.status)).toEqual(people.map(() => 201));
    // No 500 on the racing first hits either, and the address is not locked afterwards.
    await request(proxied).post('/api/v1/auth/tokens').set(fromAddress('198.51.100.7')).send({ email: people[0]!.email, password: PASSWORD }).expect(201);
  });

  it('11 failures at once from one address lock it, even for a right password', async () => {
    await User.create({ email: 'locked-out@example.org', name: 'Locked Out', passwordHash: await hashPassword(PASSWORD), roles: ['stakeholder'], country: 'BE', emailVerifiedAt: new Date() });
    const failures = await Promise.all(
      Array.from({ length: 11 }, (_, n) => request(proxied).post('/api/v1/auth/tokens').set(fromAddress('198.51.100.8')).send({ email: `guess-${n}@example.org`, password: 'wrong' })),
    );
    expect(failures.every((res) => res.status === 401 || res.status === 429)).toBe(true);
    const right = await request(proxied).post('/api/v1/auth/tokens').set(fromAddress('198.51.100.8')).send({ email: 'locked-out@example.org', password: PASSWORD });
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('guesses sent at once against one account get no more tries than the limit', async () => {
    await User.create({ email: 'targeted@example.org', name: 'Targeted', passwordHash: await hashPassword(PASSWORD), roles: ['stakeholder'], country: 'BE', emailVerifiedAt: new Date() });
    const guesses = await Promise.all(
      Array.from({ length: 25 }, (_, n) => request(proxied).post('/api/v1/auth/tokens').set(fromAddress(`203.0.113.${n + 1}`)).send({ email: 'targeted@example.org', password: `guess ${n}` })),
    );
    expect(guesses.filter((res) => res.status === 401)).toHaveLength(10);
    expect(guesses.filter((res) => res.status === 429)).toHaveLength(15);
  });
});

describe('other abuse limits under concurrency', () => {
  it('12 simultaneous first requests to a limited endpoint are counted, none answered 500', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => request(proxied).post('/api/v1/auth/register').set('X-Forwarded-For', '192.0.2.44').send({})),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    // Every one of them was counted: ten registrations per address an hour, so the next waits.
    // (Within the burst itself, ranks are read as the inserts land, so a few more than ten
    // may pass when they interleave: counted exactly, refused a little late.)
    const next = await request(proxied).post('/api/v1/auth/register').set('X-Forwarded-For', '192.0.2.44').send({});
    expect(next.status).toBe(429);
  });
});
