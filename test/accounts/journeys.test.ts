import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { createAccountByOperator } from '../../src/accounts/service';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, fieldErrorIds, firstLinkIn, pathOf, submitForm } from '../support/forms';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import enAccounts from '../../locales/en/accounts.json';
import enCommon from '../../locales/en/common.json';
import frAccounts from '../../locales/fr/accounts.json';
import frErrors from '../../locales/fr/errors.json';
import frMail from '../../locales/fr/mail.json';

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

const PASSWORD = 'correct horse battery staple';

function registration(overrides: Record<string, string> = {}) {
  return {
    name: 'Zoë Ørsted',
    email: 'Zoe.Orsted@Example.org',
    password: PASSWORD,
    country: 'BE',
    city: 'be-liege',
    organisation: 'city-of-liege',
    organisationOther: '',
    sector: 'social-youth-work',
    language: 'fr',
    consent: 'on',
    ...overrides,
  };
}

/** The page's main content, without the per-session CSRF tokens. */
function mainOf(text: string): string {
  return /<main[^>]*>([\s\S]*)<\/main>/.exec(text)![1]!.replace(/name="_csrf" value="[^"]+"/g, '');
}

describe('register → verify → sign in', () => {
  it('works end to end, with the page and mails in the language chosen', async () => {
    const agent = request.agent(app);
    const registered = await submitForm(agent, '/register', '/register', registration());
    expect(registered.status).toBe(200);
    expect(registered.text).toContain('<html lang="fr">');
    expect(registered.text).toContain(frAccounts.registered['check-inbox'].replace('{{email}}', 'zoe.orsted@example.org').replace(/'/g, '&#39;'));
    expect(registered.text).toContain('href="/sign-in"');

    const stored = await User.findOne({ email: 'zoe.orsted@example.org' }).lean();
    expect(stored).toMatchObject({ roles: ['stakeholder'], country: 'BE', city: 'be-liege', organisationId: 'city-of-liege', sector: 'social-youth-work', language: 'fr' });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored?.consent?.noticeVersion).toBeTruthy();
    expect(stored?.emailVerifiedAt).toBeUndefined();

    // Registration signs nobody in.
    expect((await agent.get('/').expect(200)).text).not.toContain('Zoë Ørsted');

    const mail = await smtp.waitForMessage((message) => message.to !== undefined && JSON.stringify(message.to).includes('zoe.orsted@example.org'));
    expect(mail.subject).toBe(frMail['verify-email'].subject);
    const link = firstLinkIn(mail.text ?? '', '/verify-email');
    expect(link.startsWith('http://learning.test/verify-email?token=')).toBe(true);

    const verified = await agent.get(`${pathOf(link)}&lang=en`).expect(200);
    expect(verified.text).toContain(enAccounts.verify['done-title']);
    // The next step is signing in for the first time.
    expect(verified.text).toContain(`<a class="button" href="/sign-in">${enCommon.nav['sign-in']}</a>`);
    expect((await User.findOne({ email: 'zoe.orsted@example.org' }).lean())?.emailVerifiedAt).toBeInstanceOf(Date);
    // The link works once.
    await agent.get(pathOf(link)).expect(400);

    const signedIn = await submitForm(agent, '/sign-in', '/sign-in', { email: 'ZOE.orsted@example.org', password: PASSWORD });
    expect(signedIn.status).toBe(303);
    expect((await agent.get('/').expect(200)).text).toContain('Zoë Ørsted');
  });
});

describe('registering with an address that has an account', () => {
  it('answers as for a new address, changes nothing, and tells the owner in their language', async () => {
    // Made by an operator: this file's registrations come close to the hourly limit per address.
    await createAccountByOperator({ email: 'twice@example.org', name: 'Zoë Ørsted', roles: ['stakeholder'], password: PASSWORD, language: 'fr' });
    const before = await User.findOne({ email: 'twice@example.org' }).lean();

    const again = await submitForm(request.agent(app), '/register', '/register', registration({ email: 'TWICE@example.org', name: 'Someone Else', password: 'another long passphrase', language: 'en' }));
    const fresh = await submitForm(request.agent(app), '/register', '/register', registration({ email: 'once@example.org', name: 'Someone Else', password: 'another long passphrase', language: 'en' }));
    expect(again.status).toBe(200);
    expect(mainOf(again.text).replace(/twice@example\.org/g, 'X')).toBe(mainOf(fresh.text).replace(/once@example\.org/g, 'X'));
    expect(again.text).not.toContain('Zoë Ørsted');
    expect(await User.find({ email: 'twice@example.org' }).lean()).toEqual([before]);

    const notice = await smtp.waitForMessage((message) => JSON.stringify(message.to).includes('twice@example.org') && message.subject === frMail['account-exists'].subject);
    expect(notice.text).toContain('http://learning.test/sign-in\n');
    expect(notice.text).toContain('http://learning.test/reset-password');
    expect(notice.text).toContain('Zoë Ørsted');
  });
});

describe('an unverified account', () => {
  it('is reminded on every page and can ask for a new link, which replaces the old one', async () => {
    const agent = request.agent(app);
    await submitForm(agent, '/register', '/register', registration({ email: 'later@example.org', language: 'en' }));
    const first = await smtp.waitForMessage((message) => JSON.stringify(message.to).includes('later@example.org'));
    await submitForm(agent, '/sign-in', '/sign-in', { email: 'later@example.org', password: PASSWORD });
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain(enAccounts.unverified.banner.replace('{{email}}', 'later@example.org'));

    const resent = await agent.post('/verify-email/resend').type('form').send({ _csrf: csrfTokenIn(home.text) }).expect(200);
    expect(resent.text).toContain(enAccounts.unverified['sent-title']);
    const second = await smtp.waitForMessage(
      (message) => JSON.stringify(message.to).includes('later@example.org') && message.messageId !== first.messageId,
    );
    await agent.get(pathOf(firstLinkIn(first.text ?? '', '/verify-email'))).expect(400);
    await agent.get(pathOf(firstLinkIn(second.text ?? '', '/verify-email'))).expect(200);
    expect((await agent.get('/').expect(200)).text).not.toContain('class="banner"');
  });
});

describe('registration refuses bad input and keeps what was typed', () => {
  it('shows localised field errors, keeps values but never the password, and creates nothing', async () => {
    const agent = request.agent(app);
    const res = await submitForm(agent, '/register?lang=de', '/register', registration({ email: 'not-an-email', password: 'short', consent: '', name: 'Kim' }));
    expect(res.status).toBe(400);
    expect(fieldErrorIds(res).sort()).toEqual(['email']);
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).not.toContain('value="short"');
    expect(await User.countDocuments({ name: 'Kim' })).toBe(0);
  });

  it('refuses a common password, a city of another country, and a missing consent', async () => {
    const agent = request.agent(app);
    const res = await submitForm(agent, '/register', '/register', registration({ email: 'kim@example.org', password: 'password1234', city: 'fr-paris', consent: '' }));
    expect(res.status).toBe(400);
    expect(fieldErrorIds(res).sort()).toEqual(['city', 'consent', 'password']);
    expect(res.text).toContain(enAccounts['password-problem']['too-common']);
    expect(await User.countDocuments({ email: 'kim@example.org' })).toBe(0);
  });

  it('renders script typed into free text as text, everywhere', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const agent = request.agent(app);
    const res = await submitForm(agent, '/register', '/register', registration({ email: 'xss@example.org', name: hostile, organisation: '', organisationOther: hostile }));
    expect(res.status).toBe(200);
    await submitForm(agent, '/sign-in', '/sign-in', { email: 'xss@example.org', password: PASSWORD });
    const home = await agent.get('/').expect(200);
    expect(home.text).not.toContain('<script>alert(1)');
    expect(home.text).not.toContain('<img src=x');
    expect(home.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await User.findOne({ email: 'xss@example.org' }).lean())?.organisationName).toBe(hostile);
  });
});

describe('CSRF', () => {
  it('refuses a form without a valid token with a localised 403, changing nothing', async () => {
    const agent = request.agent(app);
    await agent.get('/register').expect(200);
    const withoutToken = await agent.post('/register?lang=fr').type('form').send(registration({ email: 'csrf@example.org' }));
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.text).toContain(frErrors.csrf.title);
    const forged = await agent.post('/register').type('form').send({ ...registration({ email: 'csrf@example.org' }), _csrf: 'forged' });
    expect(forged.status).toBe(403);
    // The agent chose French above (remembered in its cookie).
    expect(forged.text).toContain(frErrors.csrf.title);
    expect(await User.countDocuments({ email: 'csrf@example.org' })).toBe(0);
  });
});

describe('sign-in', () => {
  it('says the same for an unknown email and a wrong password', async () => {
    const agent = request.agent(app);
    await submitForm(agent, '/register', '/register', registration({ email: 'same@example.org' }));
    const wrongPassword = await submitForm(request.agent(app), '/sign-in', '/sign-in', { email: 'same@example.org', password: 'not the password at all' });
    const unknown = await submitForm(request.agent(app), '/sign-in', '/sign-in', { email: 'nobody@example.org', password: 'not the password at all' });
    expect(wrongPassword.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (text: string) => /<p class="field-error"[^>]*>([^<]+)</.exec(text)?.[1];
    expect(message(wrongPassword.text)).toBe(enAccounts['sign-in'].failed);
    expect(message(unknown.text)).toBe(message(wrongPassword.text));
    expect(wrongPassword.text).toContain('value="same@example.org"');
  });

  it('regenerates the session id at sign-in', async () => {
    const agent = request.agent(app);
    await submitForm(agent, '/register', '/register', registration({ email: 'fixation@example.org' }));
    const page = await agent.get('/sign-in').expect(200);
    const before = /liaise\.sid=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1];
    const res = await agent.post('/sign-in').type('form').send({ email: 'fixation@example.org', password: PASSWORD, _csrf: csrfTokenIn(page.text) });
    const after = /liaise\.sid=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1];
    expect(res.status).toBe(303);
    expect(before).toBeTruthy();
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Lax/);
  });

  it('ignores NoSQL operators in form and JSON bodies', async () => {
    const agent = request.agent(app);
    const page = await agent.get('/sign-in').expect(200);
    const token = csrfTokenIn(page.text);
    const formOperators = await agent.post('/sign-in').type('form').send(`email[$gt]=&password[$ne]=x&_csrf=${token}`);
    expect(formOperators.status).toBe(401);
    const jsonOperators = await agent.post('/sign-in').set('Content-Type', 'application/json').send(JSON.stringify({ email: { $ne: null }, password: { $ne: null }, _csrf: token }));
    expect([401, 403]).toContain(jsonOperators.status);
  });
});

describe('password reset', () => {
  it('mails a one-hour single-use link, changes the password and ends other sessions and API tokens', async () => {
    const owner = request.agent(app);
    await submitForm(owner, '/register', '/register', registration({ email: 'forgetful@example.org', language: 'el' }));
    await submitForm(owner, '/sign-in', '/sign-in', { email: 'forgetful@example.org', password: PASSWORD });
    expect((await owner.get('/').expect(200)).text).toContain('Zoë Ørsted');
    const { token } = (await request(app).post('/api/v1/auth/tokens').send({ email: 'forgetful@example.org', password: PASSWORD }).expect(201)).body;
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);

    const asked = await submitForm(request.agent(app), '/reset-password', '/reset-password', { email: 'forgetful@example.org' });
    expect(asked.status).toBe(200);
    const unknown = await submitForm(request.agent(app), '/reset-password', '/reset-password', { email: 'ghost@example.org' });
    expect(unknown.text.replace(/ghost@example\.org/g, 'X')).toBe(asked.text.replace(/forgetful@example\.org/g, 'X').replace(/value="[^"]+" name="_csrf"|name="_csrf" value="[^"]+"/g, ''));

    const mail = await smtp.waitForMessage((message) => JSON.stringify(message.to).includes('forgetful@example.org') && (message.text ?? '').includes('/reset-password?token='));
    const link = pathOf(firstLinkIn(mail.text ?? '', '/reset-password'));

    const stranger = request.agent(app);
    const choose = await stranger.get(link).expect(200);
    const weak = await stranger.post('/reset-password/new').type('form').send({ token: new URL(link, 'http://x').searchParams.get('token'), password: 'short', _csrf: csrfTokenIn(choose.text) });
    expect(weak.status).toBe(400);
    const done = await stranger.post('/reset-password/new').type('form').send({ token: new URL(link, 'http://x').searchParams.get('token'), password: 'a brand new long password', _csrf: csrfTokenIn(weak.text) });
    expect(done.status).toBe(200);
    await stranger.get(link).expect(400);

    // The session that was open elsewhere has ended, and so has the API token.
    expect((await owner.get('/').expect(200)).text).not.toContain('Zoë Ørsted');
    const refused = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(refused.body.type).toMatch(/\/invalid-token$/);
    const signIn = await submitForm(request.agent(app), '/sign-in', '/sign-in', { email: 'forgetful@example.org', password: 'a brand new long password' });
    expect(signIn.status).toBe(303);
  });
});
