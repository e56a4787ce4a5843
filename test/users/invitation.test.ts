import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, fieldErrorIds, firstLinkIn, pathOf, submitForm } from '../support/forms';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import { giveTwoFactor } from '../support/two-factor';
import { bearer, formBody, type MadeUser, makeUser, signedInAgent, tokenFor } from './factory';
import enAccounts from '../../locales/en/accounts.json';
import enUsers from '../../locales/en/users.json';

const db = useTestDatabase(__filename);
let app: Express;
/** The same site with a mail server that refuses connections. */
let appWithoutMail: Express;
let smtp: TestSmtpServer;
let admin: MadeUser;
let adminToken: string;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  await seedReferenceData();
  smtp = await startTestSmtpServer();
  app = await buildTestApp(db.database(), { SMTP_URL: smtp.url, BASE_URL: 'http://learning.test' });
  appWithoutMail = await buildTestApp(db.database(), { SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`, BASE_URL: 'http://learning.test' });
  admin = await makeUser({ email: 'inviter@example.org', name: 'Irene Inviter', roles: ['admin'] });
  adminToken = await tokenFor(admin);
});

afterAll(async () => {
  await smtp?.stop();
});

const NEW_PASSWORD = 'rivers and bridges of Ghent';

function mailTo(address: string) {
  return smtp.waitForMessage((message) => JSON.stringify(message.to).includes(address));
}

describe('an account created without a password', () => {
  it('gets an invitation whose link sets the password and signs the person in, once', async () => {
    const created = await request(app)
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: 'invited@example.be', name: 'Ines Invited', roles: ['trainer'], country: 'BE', language: 'en' })
      .expect(201);
    expect(created.body).toEqual({ id: expect.any(String), email: 'invited@example.be', roles: ['trainer'], invitationSent: true });
    expect((await User.findById(created.body.id).lean())?.emailVerifiedAt).toBeInstanceOf(Date);

    const mail = await mailTo('invited@example.be');
    expect(mail.subject).toContain('Irene Inviter');
    const link = firstLinkIn(mail.text ?? '', '/invitation');
    expect(link.startsWith('http://learning.test/invitation?token=')).toBe(true);

    const agent = request.agent(app);
    const form = await agent.get(pathOf(link)).expect(200);
    expect(form.text).toContain(enUsers.invitation.heading);

    // A password the policy refuses: the form says why, and the link still works.
    const weak = await agent.post('/invitation').type('form').send({ _csrf: csrfTokenIn(form.text), token: new URL(link).searchParams.get('token'), password: 'password1234' });
    expect(weak.status).toBe(400);
    expect(fieldErrorIds(weak)).toEqual(['password']);
    expect(weak.text).toContain(enAccounts['password-problem']['too-common']);

    const done = await agent.post('/invitation').type('form').send({ _csrf: csrfTokenIn(weak.text), token: new URL(link).searchParams.get('token'), password: NEW_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/');
    expect((await agent.get('/').expect(200)).text).toContain('Ines Invited');

    // The link is used up; the new password signs in.
    const again = await request.agent(app).get(pathOf(link)).expect(400);
    expect(again.text).toContain(enUsers.invitation['invalid-title']);
    const signIn = await submitForm(request.agent(app), '/sign-in', '/sign-in', { email: 'invited@example.be', password: NEW_PASSWORD });
    expect(signIn.status).toBe(303);
  });

  it('is reported, not lost, when the invitation mail cannot be sent; a new one can be sent later', async () => {
    const created = await request(appWithoutMail)
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: 'unlucky@example.se', name: 'Ulf Unlucky', roles: ['stakeholder'], country: 'SE' })
      .expect(201);
    expect(created.body.invitationSent).toBe(false);
    expect(await User.countDocuments({ email: 'unlucky@example.se' })).toBe(1);

    // The page says so too, visibly.
    const offline = await signedInAgent(appWithoutMail, admin);
    const page = await offline.post('/admin/users/new').type('form').send(
      formBody({ _csrf: csrfTokenIn((await offline.get('/admin/users/new').expect(200)).text), name: 'Una Unlucky', email: 'unlucky2@example.se', roles: 'stakeholder', country: 'SE', language: '', password: '' }),
    );
    expect(page.status).toBe(303);
    const shown = await offline.get(page.headers.location!).expect(200);
    expect(shown.text).toContain('role="alert"');
    expect(shown.text).toContain(enUsers.done['invitation-failed'].replace('{{email}}', 'unlucky2@example.se'));

    // Once mail works again, the detail page's button sends a fresh link.
    const online = await signedInAgent(app, admin);
    const detail = await online.get(`/admin/users/${created.body.id}`).expect(200);
    const resent = await online.post(`/admin/users/${created.body.id}/invitation`).type('form').send({ _csrf: csrfTokenIn(detail.text) });
    expect(resent.status).toBe(303);
    expect(resent.headers.location).toBe(`/admin/users/${created.body.id}?done=invitation-resent`);
    const mail = await mailTo('unlucky@example.se');
    expect(firstLinkIn(mail.text ?? '', '/invitation')).toContain('/invitation?token=');
    expect((await online.get(resent.headers.location!).expect(200)).text).toContain(enUsers.done['invitation-resent'].replace('{{email}}', 'unlucky@example.se'));
  });
});

describe('a new invitation to an account that uses two-factor authentication', () => {
  it('sets the password but does not sign in: the code from the app is still needed', async () => {
    const trainer = await makeUser({ email: 'has.2fa@example.fr', name: 'Hugo Two-Factor', roles: ['trainer'], country: 'FR' });
    const phone = await giveTwoFactor(trainer.id);
    const agent = await signedInAgent(app, await makeUser({ email: 'second.admin@example.org', roles: ['admin'] }));
    const detail = await agent.get(`/admin/users/${trainer.id}`).expect(200);
    await agent.post(`/admin/users/${trainer.id}/invitation`).type('form').send({ _csrf: csrfTokenIn(detail.text) }).expect(303);
    const link = firstLinkIn((await mailTo('has.2fa@example.fr')).text ?? '', '/invitation');

    const person = request.agent(app);
    const form = await person.get(pathOf(link)).expect(200);
    const done = await person.post('/invitation').type('form').send({ _csrf: csrfTokenIn(form.text), token: new URL(link).searchParams.get('token'), password: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(done.text).toContain(enUsers.invitation['done-title']);
    expect((await person.get('/').expect(200)).text).not.toContain('Hugo Two-Factor');

    // The new password works, followed by the code, as for every sign-in of this account.
    const signIn = await submitForm(person, '/sign-in', '/sign-in', { email: 'has.2fa@example.fr', password: NEW_PASSWORD });
    expect(signIn.headers.location).toBe('/sign-in/two-factor');
    const step = await person.get('/sign-in/two-factor').expect(200);
    await person.post('/sign-in/two-factor').type('form').send({ _csrf: csrfTokenIn(step.text), code: phone.nextCode() }).expect(303);
    expect((await person.get('/').expect(200)).text).toContain('Hugo Two-Factor');
  });
});

describe('the invitation page', () => {
  it('refuses a missing, forged or disabled account’s link, changing nothing', async () => {
    await request(app).get('/invitation').expect(400);
    const forged = await request(app).get('/invitation?token=forged-token').expect(400);
    expect(forged.text).toContain(enUsers.invitation['invalid-title']);

    await request(app)
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: 'to.disable@example.it', name: 'Tina Disabled', roles: ['stakeholder'], country: 'IT' })
      .expect(201);
    const link = firstLinkIn((await mailTo('to.disable@example.it')).text ?? '', '/invitation');
    const stored = await User.findOne({ email: 'to.disable@example.it' }).lean();
    await request(app).patch(`/api/v1/users/${String(stored!._id)}`).set(bearer(adminToken)).send({ status: 'disabled' }).expect(200);
    await request(app).get(pathOf(link)).expect(400);

    const agent = request.agent(app);
    const page = await agent.get('/sign-in').expect(200);
    const posted = await agent.post('/invitation').type('form').send({ _csrf: csrfTokenIn(page.text), token: new URL(link).searchParams.get('token'), password: NEW_PASSWORD });
    expect(posted.status).toBe(400);
    expect((await User.findById(stored!._id).lean())?.passwordHash).toBe(stored!.passwordHash);
  });

  it('refuses a form without its CSRF token', async () => {
    await request(app)
      .post('/api/v1/users')
      .set(bearer(adminToken))
      .send({ email: 'csrf.invite@example.cz', name: 'Cyril Csrf', roles: ['stakeholder'], country: 'CZ' })
      .expect(201);
    const link = firstLinkIn((await mailTo('csrf.invite@example.cz')).text ?? '', '/invitation');
    const agent = request.agent(app);
    await agent.get(pathOf(link)).expect(200);
    await agent.post('/invitation').type('form').send({ token: new URL(link).searchParams.get('token'), password: NEW_PASSWORD }).expect(403);
    // Still usable afterwards.
    await agent.get(pathOf(link)).expect(200);
  });
});
