/**
 * A token request for an unknown email checks the password against a dummy hash, so that it
 * takes as long as one with a wrong password and the time does not tell who has an account.
 * The times are printed for a person to compare, never asserted (they depend on the machine);
 * what is asserted is that the dummy check runs, once, and costs what a real one costs.
 */
import argon2 from 'argon2';
import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { hashPassword, TIMING_DUMMY_HASH } from '../../src/accounts/passwords';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';

const db = useTestDatabase(__filename);
let app: Express;

beforeAll(async () => {
  // Each request comes from its own address (X-Forwarded-For): fourteen failures from one
  // would meet the sign-in limit before the last requests are timed.
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
});

afterEach(() => {
  jest.restoreAllMocks();
});

const ROUNDS = 7;
const WRONG_PASSWORD = 'not the password at all';
let address = 0;

async function refusedTokenRequest(email: string): Promise<number> {
  address += 1;
  const started = performance.now();
  const res = await request(app).post('/api/v1/auth/tokens').set('X-Forwarded-For', `198.51.100.${address}`).send({ email, password: WRONG_PASSWORD });
  const elapsed = performance.now() - started;
  expect(res.status).toBe(401);
  expect(res.body.type).toMatch(/\/invalid-credentials$/);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]!);
}

const parametersOf = (hash: string) => hash.split('$').slice(1, 4).join('$');

describe('POST /api/v1/auth/tokens for an unknown email', () => {
  it('checks the password once, against a hash that is no account’s, hashing nothing on the way', async () => {
    await User.create({ email: 'known@example.org', name: 'Known Person', passwordHash: await hashPassword('the right long passphrase') });
    const verify = jest.spyOn(argon2, 'verify');
    const hash = jest.spyOn(argon2, 'hash');

    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      unknown.push(await refusedTokenRequest(`nobody-${round}@example.org`));
      wrong.push(await refusedTokenRequest('known@example.org'));
    }
    console.log(`POST /api/v1/auth/tokens, median of ${ROUNDS}: unknown email ${median(unknown)} ms, wrong password ${median(wrong)} ms`);

    const accountHashes = (await User.find().lean()).map((user) => user.passwordHash);
    const checkedHashes = verify.mock.calls.map(([checked]) => checked);
    expect(checkedHashes).toHaveLength(2 * ROUNDS);
    // Requests alternate: unknown email first, then the wrong password.
    const forUnknown = checkedHashes.filter((_, index) => index % 2 === 0);
    const forWrong = checkedHashes.filter((_, index) => index % 2 === 1);
    for (const checked of forUnknown) expect(accountHashes).not.toContain(checked);
    expect(new Set(forWrong)).toEqual(new Set(accountHashes));
    // The dummy exists beforehand: made on first use, it made the first requests twice as slow.
    expect(hash).not.toHaveBeenCalled();
  });

  it('uses a dummy hash made with the parameters of the accounts’ hashes', async () => {
    expect(parametersOf(TIMING_DUMMY_HASH)).toBe(parametersOf(await hashPassword('any long passphrase at all')));
    expect(parametersOf(TIMING_DUMMY_HASH)).toMatch(/^argon2id\$v=19\$m=\d+,p=\d+,t=\d+$/);
  });
});
