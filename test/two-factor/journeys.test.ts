import type { Express } from 'express';
import request from 'supertest';
import { type Role, User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { deriveKey, generateRecoveryCodes, hashRecoveryCode } from '../../src/two-factor/codes';
import { verifySecondFactor } from '../../src/two-factor/service';
import { buildTestApp, TEST_SESSION_SECRET } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, fieldErrorIds, submitForm } from '../support/forms';
import { codeAt, giveTwoFactor, wrongCodeFor } from '../support/two-factor';

const db = useTestDatabase(__filename);
let app: Express;

const PASSWORD = 'a long and unusual passphrase 42';
let counter = 0;

beforeAll(async () => {
  // Each person from their own address: this file's wrong codes must not trip the per-address
  // limit for the next test (the limit itself is tested in limits.test.ts).
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
});

let address = 0;
function newAgent() {
  address += 1;
  return request.agent(app).set('X-Forwarded-For', `10.0.0.${address}`);
}

async function createAccount(roles: Role[] = ['stakeholder']) {
  counter += 1;
  const email = `person${counter}@example.org`;
  const user = await User.create({ email, name: `Person ${counter}`, passwordHash: await hashPassword(PASSWORD), roles, emailVerifiedAt: new Date() });
  return { id: String(user._id), email };
}

async function signIn(agent: ReturnType<typeof request.agent>, email: string) {
  return submitForm(agent, '/sign-in', '/sign-in', { email, password: PASSWORD });
}

async function isSignedIn(agent: ReturnType<typeof request.agent>): Promise<boolean> {
  const home = await agent.get('/').expect(200);
  return home.text.includes('action="/sign-out"');
}

/** The key as the set-up page shows it, ready for an authenticator app. */
function secretOnPage(html: string): string {
  const shown = /<code class="secret"[^>]*>([A-Z2-7 ]+)<\/code>/.exec(html)?.[1];
  if (!shown) throw new Error('no secret on the set-up page');
  return shown.replace(/ /g, '');
}

describe('setting up two-factor and signing in with it', () => {
  it('enrols by QR code, then asks for a code at sign-in, each code working once', async () => {
    const account = await createAccount();
    const agent = newAgent();
    await signIn(agent, account.email);

    const status = await agent.get('/profile/two-factor').expect(200);
    expect(status.text).toContain('Two-factor authentication is off.');
    await agent.post('/profile/two-factor/setup').type('form').send({ _csrf: csrfTokenIn(status.text) }).expect(303);

    const setup = await agent.get('/profile/two-factor/setup').expect(200);
    expect(setup.text).toMatch(/<div class="qr-code" role="img" aria-labelledby="qr-label"><svg[^>]*>.*<path/s);
    expect(setup.text).not.toContain('<script');
    const secret = secretOnPage(setup.text);

    // A wrong code changes nothing and says so at the field.
    const wrong = await agent.post('/profile/two-factor/confirm').type('form').send({ _csrf: csrfTokenIn(setup.text), code: wrongCodeFor(secret) });
    expect(wrong.status).toBe(400);
    expect(fieldErrorIds(wrong)).toEqual(['code']);
    expect((await User.findById(account.id).lean())?.twoFactor?.enabledAt).toBeUndefined();

    const confirmed = await agent.post('/profile/two-factor/confirm').type('form').send({ _csrf: csrfTokenIn(wrong.text), code: codeAt(secret, Date.now()) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers['cache-control']).toBe('no-store');
    const recoveryCodes = [...confirmed.text.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((match) => match[1]!);
    expect(recoveryCodes).toHaveLength(10);

    const stored = await User.findById(account.id).lean();
    expect(stored?.twoFactor?.enabledAt).toBeInstanceOf(Date);
    expect(stored?.twoFactor?.secret).not.toContain(secret); // encrypted at rest
    expect(stored?.twoFactor?.recoveryCodeHashes).not.toContain(recoveryCodes[0]);

    // Signing in again: the password alone signs nobody in.
    await agent.post('/sign-out').type('form').send({ _csrf: csrfTokenIn((await agent.get('/').expect(200)).text) }).expect(303);
    const afterPassword = await signIn(agent, account.email);
    expect(afterPassword.status).toBe(303);
    expect(afterPassword.headers.location).toBe('/sign-in/two-factor');
    expect(await isSignedIn(agent)).toBe(false);

    const step = await agent.get('/sign-in/two-factor').expect(200);
    expect(step.text).toContain('autocomplete="one-time-code"');
    const refused = await agent.post('/sign-in/two-factor').type('form').send({ _csrf: csrfTokenIn(step.text), code: '12345' });
    expect(refused.status).toBe(401);
    expect(await isSignedIn(agent)).toBe(false);

    // The code used to turn two-factor on cannot be used again (replay); the next one works.
    const replayed = await agent.post('/sign-in/two-factor').type('form').send({ _csrf: csrfTokenIn(refused.text), code: codeAt(secret, Date.now() - 30_000) });
    expect(replayed.status).toBe(401);
    const next = await agent.post('/sign-in/two-factor').type('form').send({ _csrf: csrfTokenIn(replayed.text), code: codeAt(secret, Date.now() + 30_000) });
    expect(next.status).toBe(303);
    expect(next.headers.location).toBe('/');
    expect(await isSignedIn(agent)).toBe(true);

    // A recovery code signs in once and then points to where new ones are made.
    const other = newAgent();
    await signIn(other, account.email);
    const withRecovery = await other.post('/sign-in/two-factor').type('form').send({ _csrf: csrfTokenIn((await other.get('/sign-in/two-factor')).text), code: recoveryCodes[0]!.toUpperCase() });
    expect(withRecovery.headers.location).toBe('/profile/two-factor?done=recovery-code-used');
    expect((await other.get(withRecovery.headers.location!).expect(200)).text).toContain('You have 9 left');

    const third = newAgent();
    await signIn(third, account.email);
    const reused = await third.post('/sign-in/two-factor').type('form').send({ _csrf: csrfTokenIn((await third.get('/sign-in/two-factor')).text), code: recoveryCodes[0]! });
    expect(reused.status).toBe(401);
    expect(await isSignedIn(third)).toBe(false);
  });

  it('keeps where the person was going across the second step', async () => {
    const account = await createAccount();
    const phone = await giveTwoFactor(account.id);
    const agent = newAgent();
    const page = await agent.get('/sign-in?returnTo=/privacy').expect(200);
    await agent.post('/sign-in').type('form').send({ _csrf: csrfTokenIn(page.text), email: account.email, password: PASSWORD, returnTo: '/privacy' }).expect(303);
    const done = await submitForm(agent, '/sign-in/two-factor', '/sign-in/two-factor', { code: phone.nextCode() });
    expect(done.headers.location).toBe('/privacy');
  });

  it('has no second step without a right password first', async () => {
    const agent = newAgent();
    const response = await agent.get('/sign-in/two-factor');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/sign-in');
  });

  it('refuses the set-up forms without a CSRF token', async () => {
    const account = await createAccount();
    const agent = newAgent();
    await signIn(agent, account.email);
    expect((await agent.post('/profile/two-factor/setup').type('form').send({})).status).toBe(403);
    expect((await User.findById(account.id).lean())?.twoFactor?.pendingSecret).toBeUndefined();
  });

  it('turns off only with the password, and new recovery codes replace the old ones', async () => {
    const account = await createAccount();
    const phone = await giveTwoFactor(account.id);
    const agent = newAgent();
    await signIn(agent, account.email);
    await submitForm(agent, '/sign-in/two-factor', '/sign-in/two-factor', { code: phone.nextCode() });

    const renewed = await submitForm(agent, '/profile/two-factor', '/profile/two-factor/recovery-codes', { code: phone.nextCode() });
    expect(renewed.status).toBe(200);
    expect([...renewed.text.matchAll(/<li><code>/g)]).toHaveLength(10);

    const wrong = await submitForm(agent, '/profile/two-factor', '/profile/two-factor/disable', { password: 'not the password at all' });
    expect(wrong.status).toBe(400);
    expect(fieldErrorIds(wrong)).toEqual(['password']);
    const off = await submitForm(agent, '/profile/two-factor', '/profile/two-factor/disable', { password: PASSWORD });
    expect(off.headers.location).toBe('/profile/two-factor?done=disabled');
    expect((await User.findById(account.id).lean())?.twoFactor).toBeUndefined();
  });
});

describe('two-factor on the API', () => {
  it('asks for the code when creating a token (401 otp-required) and refuses a wrong one', async () => {
    const account = await createAccount();
    const phone = await giveTwoFactor(account.id);
    const missing = await request(app).post('/api/v1/auth/tokens').send({ email: account.email, password: PASSWORD });
    expect(missing.status).toBe(401);
    expect(missing.body.type).toMatch(/otp-required$/);
    const wrong = await request(app).post('/api/v1/auth/tokens').send({ email: account.email, password: PASSWORD, otp: wrongCodeFor(phone.secret) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.type).not.toMatch(/otp-required$/);
    const created = await request(app).post('/api/v1/auth/tokens').send({ email: account.email, password: PASSWORD, otp: phone.nextCode() });
    expect(created.status).toBe(201);
    const me = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${created.body.token}`);
    expect(me.body.email).toBe(account.email);
  });
});

describe('two-factor required for admins and coordinators', () => {
  it.each<[Role]>([['admin'], ['coordinator']])('sends a %s without it to set it up, and the API refuses them a token', async (role) => {
    const account = await createAccount([role]);
    const agent = newAgent();
    const signedIn = await signIn(agent, account.email);
    expect(signedIn.headers.location).toBe('/');
    const home = await agent.get('/');
    expect(home.status).toBe(303);
    expect(home.headers.location).toBe('/profile/two-factor?required=1');
    const status = await agent.get('/profile/two-factor?required=1').expect(200);
    expect(status.text).toContain('two-factor authentication is required');

    const token = await request(app).post('/api/v1/auth/tokens').send({ email: account.email, password: PASSWORD });
    expect(token.status).toBe(403);
    expect(token.body.type).toMatch(/two-factor-setup-required$/);

    // Once set up, the pages open, and it cannot be turned off.
    await agent.post('/profile/two-factor/setup').type('form').send({ _csrf: csrfTokenIn(status.text) }).expect(303);
    const setup = await agent.get('/profile/two-factor/setup').expect(200);
    await agent.post('/profile/two-factor/confirm').type('form').send({ _csrf: csrfTokenIn(setup.text), code: codeAt(secretOnPage(setup.text), Date.now()) }).expect(200);
    expect((await agent.get('/')).status).toBe(200);
    const page = await agent.get('/profile/two-factor').expect(200);
    expect(page.text).not.toContain('action="/profile/two-factor/disable"');
    const disable = await agent.post('/profile/two-factor/disable').type('form').send({ _csrf: csrfTokenIn(page.text), password: PASSWORD });
    expect(disable.status).toBe(403);
    expect((await User.findById(account.id).lean())?.twoFactor?.enabledAt).toBeInstanceOf(Date);
  });
});

describe('codes used at the same moment', () => {
  it('accept one and the same code only once, however many requests race with it', async () => {
    const account = await createAccount();
    const phone = await giveTwoFactor(account.id);
    const context = { key: deriveKey(TEST_SESSION_SECRET) };
    const code = phone.nextCode();
    const results = await Promise.all([0, 1, 2, 3, 4].map(() => verifySecondFactor(context, account.id, code)));
    expect(results.filter((result) => result === 'totp')).toHaveLength(1);

    const [recoveryCode] = generateRecoveryCodes(1);
    await User.updateOne({ _id: account.id }, { $set: { 'twoFactor.recoveryCodeHashes': [hashRecoveryCode(recoveryCode!)] } });
    const recovered = await Promise.all([0, 1, 2, 3, 4].map(() => verifySecondFactor(context, account.id, recoveryCode!)));
    expect(recovered.filter((result) => result === 'recovery-code')).toHaveLength(1);
    expect((await User.findById(account.id).lean())?.twoFactor?.recoveryCodeHashes).toEqual([]);
  });
});
