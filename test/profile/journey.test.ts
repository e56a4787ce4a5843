import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, firstLinkIn, pathOf, submitForm } from '../support/forms';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import { type Agent, fieldError, isSignedIn, locationOf, mailTo, signIn, statusMessage } from './helpers';
import enAccounts from '../../locales/en/accounts.json';
import enMail from '../../locales/en/mail.json';
import enProfile from '../../locales/en/profile.json';
import frCommon from '../../locales/fr/common.json';
import itCommon from '../../locales/it/common.json';

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

const FIRST_PASSWORD = 'river stones and morning tea';
const SECOND_PASSWORD = 'lanterns over the old harbour';
const OLD_ADDRESS = 'ines.moreau@example.be';
const NEW_ADDRESS = 'ines@liege.example.be';

const stored = () => User.findOne({ name: /Ines/ }).lean();

/** Submits a form of the profile page, with the CSRF token of the page as a browser would. */
async function submitProfileForm(agent: Agent, action: string, form: Record<string, string>) {
  return submitForm(agent, '/profile', action, form);
}

function details(overrides: Record<string, string> = {}) {
  return {
    name: 'Ines Moreau',
    country: 'BE',
    city: 'be-liege',
    organisation: '',
    organisationOther: '',
    sector: '',
    language: 'en',
    ...overrides,
  };
}

describe('a stakeholder looks after their profile', () => {
  let agent: Agent;

  it('registers, confirms the address, signs in, and finds the profile', async () => {
    agent = request.agent(app);
    const registered = await submitForm(agent, '/register', '/register', {
      name: 'Ines Moreau',
      email: OLD_ADDRESS,
      password: FIRST_PASSWORD,
      country: 'BE',
      city: 'be-liege',
      organisation: 'city-of-liege',
      organisationOther: '',
      sector: 'social-youth-work',
      language: 'en',
      consent: 'on',
    });
    expect(registered.status).toBe(200);
    const mail = await smtp.waitForMessage(mailTo(OLD_ADDRESS));
    await agent.get(pathOf(firstLinkIn(mail.text ?? '', '/verify-email'))).expect(200);

    // Registering signs nobody in.
    const anonymous = await agent.get('/profile').expect(303);
    expect(anonymous.headers.location).toBe('/sign-in?returnTo=/profile');

    const signedIn = await submitForm(agent, '/sign-in?returnTo=/profile', '/sign-in', { email: OLD_ADDRESS, password: FIRST_PASSWORD, returnTo: '/profile' });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/profile');

    const page = await agent.get('/profile').expect(200);
    expect(page.text).toContain(`<h1 id="profile-heading">${enProfile.heading}</h1>`);
    for (const heading of [enProfile.details.heading, enProfile.email.heading, enProfile.password.heading, enProfile['two-factor'].heading, enProfile.tokens.heading]) {
      expect(page.text).toContain(`>${heading}</h2>`);
    }
    expect(page.text).toContain('value="Ines Moreau"');
    expect(page.text).toContain(enProfile.email.current.replace('{{email}}', OLD_ADDRESS));
    expect(page.text).toContain(enProfile.email.verified);
    expect(page.text).toContain(enProfile['two-factor'].off);
    expect(page.text).toContain('href="/profile/two-factor"');
    expect(page.text).toContain(enProfile.tokens.none);
    expect(page.text).toContain(enProfile['changes-end-access']);
  });

  it('changes the name, sector and organisation (typed, then a partner)', async () => {
    const saved = await submitProfileForm(agent, '/profile/details', details({ name: 'Ines Moreau-Dubois', sector: 'education', organisationOther: 'Maison des Jeunes de Liège' }));
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/profile?done=details-saved');
    const page = await agent.get(locationOf(saved)).expect(200);
    expect(statusMessage(page)).toBe(enProfile.done['details-saved']);
    expect(page.text).toContain('value="Ines Moreau-Dubois"');
    expect(page.text).toContain('value="Maison des Jeunes de Liège"');
    expect(page.text).toMatch(/<option value="education" selected>/);
    // The header greets the person by the new name at once.
    expect(page.text).toContain('Ines Moreau-Dubois');
    expect(await stored()).toMatchObject({ name: 'Ines Moreau-Dubois', sector: 'education', organisationName: 'Maison des Jeunes de Liège' });
    expect((await stored())?.organisationId).toBeUndefined();

    const partner = await submitProfileForm(agent, '/profile/details', details({ name: 'Ines Moreau-Dubois', sector: 'education', organisation: 'city-of-liege', organisationOther: 'ignored when a partner is chosen' }));
    expect(partner.status).toBe(303);
    const user = await stored();
    expect(user).toMatchObject({ organisationId: 'city-of-liege' });
    expect(user?.organisationName).not.toBe('ignored when a partner is chosen');
    const page2 = await agent.get('/profile').expect(200);
    expect(page2.text).toMatch(/<option value="city-of-liege" selected>/);
  });

  it('keeps what was typed and says what is wrong when the details are refused', async () => {
    const refused = await submitProfileForm(agent, '/profile/details', details({ name: '', organisationOther: 'Typed but not saved', city: 'fr-paris', sector: 'education' }));
    expect(refused.status).toBe(400);
    expect(fieldError(refused, 'name')).toBeTruthy();
    expect(refused.text).toContain('value="Typed but not saved"');
    const again = await submitProfileForm(agent, '/profile/details', details({ name: 'Ines Moreau-Dubois', city: 'fr-paris', sector: 'education', organisation: 'city-of-liege' }));
    expect(again.status).toBe(400);
    expect(fieldError(again, 'city')).toBeTruthy();
    expect((await stored())?.city).toBe('be-liege');
  });

  it('switches the site to the language saved, even over an earlier switcher choice', async () => {
    const saved = await submitProfileForm(agent, '/profile/details', details({ name: 'Ines Moreau-Dubois', organisation: 'city-of-liege', sector: 'education', language: 'fr' }));
    expect(saved.status).toBe(303);
    const french = await agent.get(locationOf(saved)).expect(200);
    expect(french.text).toContain('<html lang="fr">');
    expect(french.text).toContain(frCommon.nav.profile);
    expect(french.headers['content-language']).toBe('fr');

    // The reader picks German in the switcher (remembered in a cookie), then saves Italian.
    await agent.get('/?lang=de').expect(200);
    expect((await agent.get('/profile').expect(200)).text).toContain('<html lang="de">');
    await submitProfileForm(agent, '/profile/details', details({ name: 'Ines Moreau-Dubois', organisation: 'city-of-liege', sector: 'education', language: 'it' })).then((res) => expect(res.status).toBe(303));
    const italian = await agent.get('/profile').expect(200);
    expect(italian.text).toContain('<html lang="it">');
    expect(italian.text).toContain(itCommon.nav.profile);
    expect((await agent.get('/').expect(200)).text).toContain('<html lang="it">');

    await submitProfileForm(agent, '/profile/details', details({ name: 'Ines Moreau-Dubois', organisation: 'city-of-liege', sector: 'education', language: 'en' })).then((res) => expect(res.status).toBe(303));
    expect((await agent.get('/profile').expect(200)).text).toContain('<html lang="en">');
    expect((await stored())?.language).toBe('en');
  });

  it('changes the email address only once the link sent to the new address is followed', async () => {
    const wrong = await submitProfileForm(agent, '/profile/email', { newEmail: NEW_ADDRESS, emailPassword: 'not my password at all' });
    expect(wrong.status).toBe(400);
    expect(fieldError(wrong, 'emailPassword')).toBe(enProfile['wrong-password']);
    expect(wrong.text).toContain(`value="${NEW_ADDRESS}"`);
    expect(wrong.text).not.toContain('not my password at all');
    expect(await isSignedIn(agent)).toBe(true);

    const asked = await submitProfileForm(agent, '/profile/email', { newEmail: NEW_ADDRESS.toUpperCase(), emailPassword: FIRST_PASSWORD });
    expect(asked.status).toBe(303);
    const page = await agent.get(locationOf(asked)).expect(200);
    expect(statusMessage(page)).toBe(enProfile.done['email-sent']);
    expect(page.text).toContain(`Waiting for confirmation of ${NEW_ADDRESS}`);
    // Nothing changes before the link is followed: the old address still signs in.
    expect((await stored())?.email).toBe(OLD_ADDRESS);

    const mail = await smtp.waitForMessage(mailTo(NEW_ADDRESS));
    expect(mail.subject).toBe(enMail['email-change-verify'].subject);
    const link = firstLinkIn(mail.text ?? '', '/profile/email/confirm');
    expect(link.startsWith('http://learning.test/profile/email/confirm?token=')).toBe(true);
    expect(smtp.messages.some((message) => mailTo(OLD_ADDRESS)(message) && message.subject === enMail['email-changed-notice'].subject)).toBe(false);

    // Followed from the mail, maybe on another device: no session needed.
    const confirmed = await request(app).get(pathOf(link)).expect(200);
    expect(confirmed.text).toContain(enProfile.email['confirmed-title']);
    expect((await stored())?.email).toBe(NEW_ADDRESS);
    await request(app).get(pathOf(link)).expect(400);

    const notice = await smtp.waitForMessage((message) => mailTo(OLD_ADDRESS)(message) && message.subject === enMail['email-changed-notice'].subject);
    expect(notice.text).toContain(NEW_ADDRESS);

    // As a new password would, the change signed out every other browser, this one too.
    expect(await isSignedIn(agent)).toBe(false);
    agent = await signIn(app, NEW_ADDRESS, FIRST_PASSWORD);
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).toContain(enProfile.email.current.replace('{{email}}', NEW_ADDRESS));
    expect(profile.text).not.toContain('Waiting for confirmation');

    const old = await submitForm(request.agent(app), '/sign-in', '/sign-in', { email: OLD_ADDRESS, password: FIRST_PASSWORD });
    expect(old.status).toBe(401);
  });

  it('changes the password: wrong current one refused, other sessions end, this one stays', async () => {
    const elsewhere = await signIn(app, NEW_ADDRESS, FIRST_PASSWORD);
    const hashBefore = (await stored())?.passwordHash;

    const wrong = await submitProfileForm(agent, '/profile/password', { currentPassword: 'not my password at all', newPassword: SECOND_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(fieldError(wrong, 'currentPassword')).toBe(enProfile['wrong-password']);
    expect(wrong.text).not.toContain(SECOND_PASSWORD);
    expect((await stored())?.passwordHash).toBe(hashBefore);
    expect(await isSignedIn(agent)).toBe(true);
    expect(await isSignedIn(elsewhere)).toBe(true);

    const weak = await submitProfileForm(agent, '/profile/password', { currentPassword: FIRST_PASSWORD, newPassword: 'password1234' });
    expect(weak.status).toBe(400);
    expect(fieldError(weak, 'newPassword')).toBe(enAccounts['password-problem']['too-common']);
    expect((await stored())?.passwordHash).toBe(hashBefore);

    const page = await agent.get('/profile').expect(200);
    const sidBefore = /liaise\.sid=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1];
    const changed = await agent.post('/profile/password').type('form').send({ currentPassword: FIRST_PASSWORD, newPassword: SECOND_PASSWORD, _csrf: csrfTokenIn(page.text) });
    expect(changed.status).toBe(303);
    const sidAfter = /liaise\.sid=([^;]+)/.exec(String(changed.headers['set-cookie']))?.[1];
    expect(sidAfter).toBeTruthy();
    expect(sidAfter).not.toBe(sidBefore);

    const after = await agent.get(locationOf(changed)).expect(200);
    expect(statusMessage(after)).toBe(enProfile.done['password-changed']);
    // The other browser is signed out on its next request; this one carries on.
    const other = await elsewhere.get('/profile');
    expect(other.status).toBe(303);
    expect(other.headers.location).toBe('/sign-in?returnTo=/profile');
    expect(await isSignedIn(agent)).toBe(true);

    const mail = await smtp.waitForMessage((message) => mailTo(NEW_ADDRESS)(message) && message.subject === enMail['password-changed'].subject);
    expect(mail.text).toContain('Ines Moreau-Dubois');
    expect((await submitForm(request.agent(app), '/sign-in', '/sign-in', { email: NEW_ADDRESS, password: FIRST_PASSWORD })).status).toBe(401);
    await signIn(app, NEW_ADDRESS, SECOND_PASSWORD);
  });

  it('creates an API token shown once, which works until it is revoked from the page', async () => {
    const created = await submitProfileForm(agent, '/profile/tokens', { tokenName: 'HR system', days: '7' });
    expect(created.status).toBe(303);
    const page = await agent.get(locationOf(created)).expect(200);
    expect(statusMessage(page)).toBe(enProfile.done['token-created']);
    expect(page.text).toContain(enProfile.tokens['copy-now']);
    expect(page.headers['cache-control']).toBe('no-store');
    const token = /<code class="secret" id="new-token">(liaise_[A-Za-z0-9_-]+)<\/code>/.exec(page.text)?.[1];
    expect(token).toBeTruthy();

    // Once only: the next view lists the token by name, without the secret.
    const later = await agent.get('/profile').expect(200);
    expect(later.text).not.toContain(token!);
    expect(later.text).toContain('<th scope="row">HR system</th>');
    expect(later.text).toContain(`<td>${enProfile.tokens['never-used']}</td>`);

    const me = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({ email: NEW_ADDRESS, name: 'Ines Moreau-Dubois' });
    const listed = await request(app).get('/api/v1/auth/tokens').set('Authorization', `Bearer ${token}`).expect(200);
    const days = (new Date(listed.body.items[0].expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    const withUse = await agent.get('/profile').expect(200);
    expect(withUse.text).not.toContain(`<td>${enProfile.tokens['never-used']}</td>`);
    const revokeAction = /action="(\/profile\/tokens\/[a-f0-9]{24}\/revoke)#tokens-heading"/.exec(withUse.text)?.[1];
    expect(revokeAction).toBeTruthy();
    const revoked = await agent.post(revokeAction!).type('form').send({ _csrf: csrfTokenIn(withUse.text) });
    expect(revoked.status).toBe(303);
    const confirmation = await agent.get(locationOf(revoked)).expect(200);
    expect(statusMessage(confirmation)).toBe(enProfile.done['token-revoked']);
    expect(confirmation.text).toContain(enProfile.tokens.none);
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('signs out', async () => {
    const page = await agent.get('/profile').expect(200);
    await agent.post('/sign-out').type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
    expect(await isSignedIn(agent)).toBe(false);
  });
});
