import type { Express } from 'express';
import request from 'supertest';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { submitForm } from '../support/forms';
import enErrors from '../../locales/en/errors.json';

// Its own file and database: the counters it fills would throttle other tests' sign-ins.
const db = useTestDatabase(__filename);
let app: Express;

beforeAll(async () => {
  app = await buildTestApp(db.database());
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
