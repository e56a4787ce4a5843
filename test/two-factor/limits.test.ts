import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn } from '../support/forms';
import { giveTwoFactor } from '../support/two-factor';

// Its own file and database: the counters it fills would throttle other tests' sign-ins.
const db = useTestDatabase(__filename);
let app: Express;
const PASSWORD = 'a long and unusual passphrase 42';

beforeAll(async () => {
  // The password step comes from another address than the guesses: its own count (taken back
  // once it succeeds, asynchronously) must not decide when the limit on codes is reached.
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
});

describe('the second step of sign-in', () => {
  it('limits wrong codes to 10 in 15 minutes (429 with Retry-After)', async () => {
    const user = await User.create({ email: 'guessed@example.org', name: 'Guessed', passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date() });
    const account = { id: String(user._id), email: user.email };
    await giveTwoFactor(account.id);
    const agent = request.agent(app);
    const page = await agent.get('/sign-in').expect(200);
    await agent.post('/sign-in').set('X-Forwarded-For', '10.9.9.1').type('form').send({ _csrf: csrfTokenIn(page.text), email: account.email, password: PASSWORD }).expect(303);
    const token = csrfTokenIn((await agent.get('/sign-in/two-factor').expect(200)).text);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      statuses.push((await agent.post('/sign-in/two-factor').set('X-Forwarded-For', '10.9.9.2').type('form').send({ _csrf: token, code: 'wrong1' })).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    const limited = await agent.post('/sign-in/two-factor').set('X-Forwarded-For', '10.9.9.2').type('form').send({ _csrf: token, code: 'wrong1' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

});
