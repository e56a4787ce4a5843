import { createServer } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { listApiTokens } from '../../src/accounts/api-token';
import { User } from '../../src/accounts/model';
import { createAccountByOperator } from '../../src/accounts/service';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, firstLinkIn, pathOf, submitForm } from '../support/forms';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import { type Agent, fieldError, isSignedIn, locationOf, mailTo, PASSWORD, signedInAgent, signIn, statusMessage } from './helpers';
import enErrors from '../../locales/en/errors.json';
import enMail from '../../locales/en/mail.json';
import enProfile from '../../locales/en/profile.json';

const db = useTestDatabase(__filename);
let app: Express;
let smtp: TestSmtpServer;

beforeAll(async () => {
  await seedReferenceData();
  smtp = await startTestSmtpServer();
  app = await buildTestApp(db.database(), { SMTP_URL: smtp.url, BASE_URL: 'http://learning.test' });
});

afterAll(async () => {
  await smtp?.stop();
});

const NEW_PASSWORD = 'a completely different passphrase';
const account = (email: string) => User.findOne({ email }).lean();
/** The account's live API tokens, as its profile lists them. */
async function liveTokens(email: string) {
  const user = (await account(email))!;
  return listApiTokens(String(user._id), user.sessionEpoch);
}
async function newToken(email: string, password = PASSWORD): Promise<string> {
  return (await request(app).post('/api/v1/auth/tokens').send({ email, password }).expect(201)).body.token as string;
}
const me = (token: string) => request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
async function expectEnded(token: string): Promise<void> {
  const res = await me(token).expect(401);
  expect(res.body.type).toMatch(/\/invalid-token$/);
}

function details(overrides: Record<string, string> = {}) {
  return { name: 'Kai Lindgren', country: 'SE', city: 'se-malmo', organisation: '', organisationOther: '', sector: '', language: 'en', ...overrides };
}

describe('who may see the profile', () => {
  it('sends an anonymous reader to sign in, and back', async () => {
    const res = await request(app).get('/profile').expect(303);
    expect(res.headers.location).toBe('/sign-in?returnTo=/profile');
  });
});

describe('CSRF', () => {
  it('refuses every profile form without a valid token, changing nothing', async () => {
    const email = 'csrf@example.se';
    const agent = await signedInAgent(app, email);
    const created = await submitForm(agent, '/profile', '/profile/tokens', { tokenName: 'kept', days: '30' });
    expect(created.status).toBe(303);
    const [token] = await liveTokens(email);
    const pending = await submitForm(agent, '/profile', '/profile/email', { newEmail: 'pending@example.se', emailPassword: PASSWORD });
    expect(pending.status).toBe(303);
    await smtp.waitForMessage(mailTo('pending@example.se'));
    const before = await account(email);
    const mailsBefore = smtp.messages.length;

    const forms: Array<[string, Record<string, string>]> = [
      ['/profile/details', details({ name: 'Forged Name' })],
      ['/profile/email', { newEmail: 'forged@example.se', emailPassword: PASSWORD }],
      ['/profile/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }],
      ['/profile/tokens', { tokenName: 'forged', days: '90' }],
      [`/profile/tokens/${token!.id}/revoke`, {}],
      ['/profile/email/cancel', {}],
    ];
    for (const [action, form] of forms) {
      const missing = await agent.post(action).type('form').send(form);
      expect({ action, status: missing.status }).toEqual({ action, status: 403 });
      expect(missing.text).toContain(enErrors.csrf.title);
      const forged = await agent.post(action).type('form').send({ ...form, _csrf: 'forged' });
      expect({ action, status: forged.status }).toEqual({ action, status: 403 });
    }

    const after = await account(email);
    expect(after).toMatchObject({ name: before!.name, email, passwordHash: before!.passwordHash, sessionEpoch: before!.sessionEpoch });
    expect((await liveTokens(email)).map((live) => live.name)).toEqual(['kept']);
    expect(smtp.messages.length).toBe(mailsBefore);
    expect(await isSignedIn(agent)).toBe(true);
    expect((await agent.get('/profile').expect(200)).text).toContain('Waiting for confirmation of pending@example.se');
  });
});

describe('free text', () => {
  it('shows HTML and script typed in the name and organisation as text', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const agent = await signedInAgent(app, 'xss@example.se');
    const saved = await submitForm(agent, '/profile', '/profile/details', details({ name: hostile, organisationOther: `${hostile}"' autofocus onfocus="alert(3)` }));
    expect(saved.status).toBe(303);
    const page = await agent.get('/profile').expect(200);
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).not.toContain('" autofocus');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await account('xss@example.se'))?.name).toBe(hostile);
  });
});

describe('the forms keep what was typed, never a password', () => {
  it('shows localised errors on the token form and keeps its values', async () => {
    const agent = await signedInAgent(app, 'typing@example.se');
    const empty = await submitForm(agent, '/profile', '/profile/tokens', { tokenName: '', days: '30' });
    expect(empty.status).toBe(400);
    expect(fieldError(empty, 'tokenName')).toBe(enErrors.field.required);
    const forever = await submitForm(agent, '/profile', '/profile/tokens', { tokenName: 'Forever', days: '3650' });
    expect(forever.status).toBe(400);
    expect(fieldError(forever, 'days')).toBeTruthy();
    expect(forever.text).toContain('value="Forever"');
    expect(await liveTokens('typing@example.se')).toEqual([]);
  });

  it('answers a blank password form with "required" errors in the reader’s language', async () => {
    const agent = await signedInAgent(app, 'blank@example.se');
    const res = await submitForm(agent, '/profile?lang=fr', '/profile/password', { currentPassword: '', newPassword: '' });
    expect(res.status).toBe(400);
    const frErrors = (await import('../../locales/fr/errors.json')).default;
    expect(fieldError(res, 'currentPassword')).toBe(frErrors.field.required.replace(/'/g, '&#39;'));
    expect(fieldError(res, 'newPassword')).toBe(frErrors.field.required.replace(/'/g, '&#39;'));
  });
});

describe('changing the email address', () => {
  it('refuses the current address and one another account uses, after checking the password', async () => {
    const agent = await signedInAgent(app, 'mover@example.se');
    await signedInAgent(app, 'occupied@example.se');
    const same = await submitForm(agent, '/profile', '/profile/email', { newEmail: 'MOVER@example.se', emailPassword: PASSWORD });
    expect(same.status).toBe(400);
    expect(fieldError(same, 'newEmail')).toBe(enProfile.email.same);
    const taken = await submitForm(agent, '/profile', '/profile/email', { newEmail: 'occupied@example.se', emailPassword: PASSWORD });
    expect(taken.status).toBe(400);
    expect(fieldError(taken, 'newEmail')).toBe(enProfile.email.taken);
    // Without the password, nothing is said about the address.
    const guess = await submitForm(agent, '/profile', '/profile/email', { newEmail: 'occupied@example.se', emailPassword: 'wrong password here' });
    expect(fieldError(guess, 'newEmail')).toBeUndefined();
    expect(fieldError(guess, 'emailPassword')).toBe(enProfile['wrong-password']);
  });

  it('says so when another account took the address before the link was followed', async () => {
    const agent = await signedInAgent(app, 'slow@example.se');
    const asked = await submitForm(agent, '/profile', '/profile/email', { newEmail: 'contested@example.se', emailPassword: PASSWORD });
    expect(asked.status).toBe(303);
    const mail = await smtp.waitForMessage(mailTo('contested@example.se'));
    await signedInAgent(app, 'contested@example.se');

    const res = await agent.get(pathOf(firstLinkIn(mail.text ?? '', '/profile/email/confirm'))).expect(409);
    expect(res.text).toContain(enProfile.email['taken-title']);
    expect(res.text).toContain(enProfile.email['taken-meanwhile'].replace('{{email}}', 'contested@example.se'));
    expect(await account('slow@example.se')).toBeTruthy();
    expect(await User.countDocuments({ email: 'contested@example.se' })).toBe(1);
  });

  it('makes an earlier link stop working when another change is asked for', async () => {
    const agent = await signedInAgent(app, 'hesitant@example.se');
    await submitForm(agent, '/profile', '/profile/email', { newEmail: 'first-choice@example.se', emailPassword: PASSWORD });
    const first = await smtp.waitForMessage(mailTo('first-choice@example.se'));
    await submitForm(agent, '/profile', '/profile/email', { newEmail: 'second-choice@example.se', emailPassword: PASSWORD });
    const second = await smtp.waitForMessage(mailTo('second-choice@example.se'));
    const page = await agent.get('/profile').expect(200);
    expect(page.text).toContain('Waiting for confirmation of second-choice@example.se');

    const stale = await request(app).get(pathOf(firstLinkIn(first.text ?? '', '/profile/email/confirm'))).expect(400);
    expect(stale.text).toContain(enProfile.email['invalid-title']);
    await request(app).get(pathOf(firstLinkIn(second.text ?? '', '/profile/email/confirm'))).expect(200);
    expect(await account('second-choice@example.se')).toBeTruthy();
    await request(app).get('/profile/email/confirm?token=made-up').expect(400);
    await request(app).get('/profile/email/confirm').expect(400);
  });

  it('can be called off, and the link then stops working', async () => {
    const agent = await signedInAgent(app, 'second-thoughts@example.se');
    await submitForm(agent, '/profile', '/profile/email', { newEmail: 'typo@exampel.se', emailPassword: PASSWORD });
    const mail = await smtp.waitForMessage(mailTo('typo@exampel.se'));
    const page = await agent.get('/profile').expect(200);
    expect(page.text).toContain('Waiting for confirmation of typo@exampel.se');
    const cancelled = await agent.post('/profile/email/cancel').type('form').send({ _csrf: csrfTokenIn(page.text) });
    expect(cancelled.status).toBe(303);
    const after = await agent.get(locationOf(cancelled)).expect(200);
    expect(statusMessage(after)).toBe(enProfile.done['email-cancelled']);
    expect(after.text).not.toContain('Waiting for confirmation');
    await request(app).get(pathOf(firstLinkIn(mail.text ?? '', '/profile/email/confirm'))).expect(400);
    expect(await account('second-thoughts@example.se')).toBeTruthy();
  });

  it('says so when the mail cannot be sent, and shows nothing waiting', async () => {
    // A mail server that refuses connections: a port that was free a moment ago.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const offline = await buildTestApp(db.database(), { SMTP_URL: `smtp://127.0.0.1:${port}`, BASE_URL: 'http://learning.test' });
    await createAccountByOperator({ email: 'unlucky@example.se', name: 'Unlucky Person', roles: ['stakeholder'], password: PASSWORD });
    const agent = request.agent(offline);
    expect((await submitForm(agent, '/sign-in', '/sign-in', { email: 'unlucky@example.se', password: PASSWORD })).status).toBe(303);
    const asked = await submitForm(agent, '/profile', '/profile/email', { newEmail: 'unlucky-new@example.se', emailPassword: PASSWORD });
    expect(asked.status).toBe(303);
    const page = await agent.get(locationOf(asked)).expect(200);
    expect(statusMessage(page)).toBe(enProfile.done['email-mail-failed']);
    expect(page.text).not.toContain('Waiting for confirmation');
    expect((await account('unlucky@example.se'))?.email).toBe('unlucky@example.se');
  });

  it('does not tell a never-confirmed old address where the account went', async () => {
    const agent = request.agent(app);
    const registered = await submitForm(agent, '/register', '/register', {
      name: 'Typo Person', email: 'typo@exmaple.se', password: PASSWORD, country: 'SE', city: '', organisation: '', organisationOther: '', sector: '', language: 'en', consent: 'on',
    });
    expect(registered.status).toBe(200);
    expect((await submitForm(agent, '/sign-in', '/sign-in', { email: 'typo@exmaple.se', password: PASSWORD })).status).toBe(303);
    await submitForm(agent, '/profile', '/profile/email', { newEmail: 'typo-fixed@example.se', emailPassword: PASSWORD });
    const mail = await smtp.waitForMessage(mailTo('typo-fixed@example.se'));
    await agent.get(pathOf(firstLinkIn(mail.text ?? '', '/profile/email/confirm'))).expect(200);
    const fixed = await account('typo-fixed@example.se');
    expect(fixed?.emailVerifiedAt).toBeInstanceOf(Date);
    // The page no longer asks to confirm the address: the link just did.
    expect((await agent.get('/profile').expect(200)).text).not.toContain('class="banner"');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.some((message) => mailTo('typo@exmaple.se')(message) && message.subject === enMail['email-changed-notice'].subject)).toBe(false);
  });
});

describe('guessing the current password', () => {
  it('is stopped after 10 failures in 15 minutes, on both forms, without signing the person out', async () => {
    const agent: Agent = await signedInAgent(app, 'guessed@example.se');
    const hashBefore = (await account('guessed@example.se'))?.passwordHash;
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const form: { action: string; body: Record<string, string> } = attempt % 2 === 0
        ? { action: '/profile/password', body: { currentPassword: `guess number ${attempt}`, newPassword: NEW_PASSWORD } }
        : { action: '/profile/email', body: { newEmail: 'elsewhere@example.se', emailPassword: `guess number ${attempt}` } };
      const res = await submitForm(agent, '/profile', form.action, form.body);
      expect({ attempt, status: res.status }).toEqual({ attempt, status: 400 });
    }
    const blocked = await submitForm(agent, '/profile', '/profile/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeTruthy();
    expect(blocked.text).toContain(enErrors['too-many-requests'].title);
    const email = await submitForm(agent, '/profile', '/profile/email', { newEmail: 'elsewhere@example.se', emailPassword: PASSWORD });
    expect(email.status).toBe(429);
    expect((await account('guessed@example.se'))?.passwordHash).toBe(hashBefore);
    expect(await isSignedIn(agent)).toBe(true);

    // Another person's budget is their own.
    const neighbour = await signedInAgent(app, 'unaffected@example.se');
    const fine = await submitForm(neighbour, '/profile', '/profile/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(fine.status).toBe(303);
  });
});

describe('API tokens on the page', () => {
  it('cannot revoke another person’s token, nor an unknown one', async () => {
    const owner = await signedInAgent(app, 'token-owner@example.se');
    await submitForm(owner, '/profile', '/profile/tokens', { tokenName: 'Owner script', days: '90' });
    const page = await owner.get('/profile').expect(200);
    const secret = /(liaise_[A-Za-z0-9_-]+)/.exec(page.text)?.[1];
    expect(secret).toBeTruthy();
    const [token] = await liveTokens('token-owner@example.se');
    expect((token!.expiresAt.getTime() - Date.now()) / 86_400_000).toBeGreaterThan(89.9);

    const thief = await signedInAgent(app, 'token-thief@example.se');
    const thiefPage = await thief.get('/profile').expect(200);
    await thief.post(`/profile/tokens/${token!.id}/revoke`).type('form').send({ _csrf: csrfTokenIn(thiefPage.text) }).expect(404);
    await thief.post('/profile/tokens/0123456789abcdef01234567/revoke').type('form').send({ _csrf: csrfTokenIn(thiefPage.text) }).expect(404);
    await thief.post('/profile/tokens/$ne/revoke').type('form').send({ _csrf: csrfTokenIn(thiefPage.text) }).expect(404);
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${secret}`).expect(200);
    expect((await owner.get('/profile').expect(200)).text).toContain('<th scope="row">Owner script</th>');
  });
});

describe('API tokens end with the password and the email address', () => {
  it('says so in the password, email and token sections of the profile', async () => {
    const agent = await signedInAgent(app, 'warned@example.se');
    const page = await agent.get('/profile').expect(200);
    expect(page.text.split(enProfile['changes-end-access']).length - 1).toBe(3);
  });

  it('end with a change of password; a token made afterwards works, and is the only one listed', async () => {
    const email = 'rotating@example.se';
    const agent = await signedInAgent(app, email);
    const before = await newToken(email);
    await me(before).expect(200);

    const changed = await submitForm(agent, '/profile', '/profile/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(303);
    expect(statusMessage(await agent.get(locationOf(changed)).expect(200))).toBe(enProfile.done['password-changed']);
    await expectEnded(before);
    expect(await liveTokens(email)).toEqual([]);

    const after = await newToken(email, NEW_PASSWORD);
    await me(after).expect(200);
    const listed = await request(app).get('/api/v1/auth/tokens').set('Authorization', `Bearer ${after}`).expect(200);
    expect(listed.body.items.map((item: { current: boolean }) => item.current)).toEqual([true]);
    expect(await isSignedIn(agent)).toBe(true);
  });

  it('end with a confirmed change of address; the browser that follows the link stays signed in, others not', async () => {
    const email = 'moving@example.se';
    const agent = await signedInAgent(app, email);
    const elsewhere = await signIn(app, email, PASSWORD);
    const token = await newToken(email);
    await submitForm(agent, '/profile', '/profile/email', { newEmail: 'moved@example.se', emailPassword: PASSWORD });
    const mail = await smtp.waitForMessage(mailTo('moved@example.se'));

    const confirmed = await agent.get(pathOf(firstLinkIn(mail.text ?? '', '/profile/email/confirm'))).expect(200);
    expect(confirmed.text).toContain(enProfile.email.confirmed.replace('{{email}}', 'moved@example.se'));
    await expectEnded(token);
    expect(await isSignedIn(agent)).toBe(true);
    expect(await isSignedIn(elsewhere)).toBe(false);
    await me(await newToken('moved@example.se')).expect(200);
  });
});
