import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, submitForm } from '../support/forms';
import { giveTwoFactor } from '../support/two-factor';

// Its own file and database: the counters it fills would throttle other tests' sign-ins.
const db = useTestDatabase(__filename);
let app: Express;
const PASSWORD = 'a long and unusual passphrase 42';

beforeAll(async () => {
  app = await buildTestApp(db.database());
});

describe('the second step of sign-in', () => {
  it('limits wrong codes to 10 in 15 minutes (429 with Retry-After)', async () => {
    const user = await User.create({ email: 'guessed@example.org', name: 'Guessed', passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date() });
    const account = { id: String(user._id), email: user.email };
    await giveTwoFactor(account.id);
    const agent = request.agent(app);
    await submitForm(agent, '/sign-in', '/sign-in', { email: account.email, password: PASSWORD });
    const token = csrfTokenIn((await agent.get('/sign-in/two-factor').expect(200)).text);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      statuses.push((await agent.post('/sign-in/two-factor').type('form').send({ _csrf: token, code: 'wrong1' })).status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    const limited = await agent.post('/sign-in/two-factor').type('form').send({ _csrf: token, code: 'wrong1' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

});
