/**
 * A session invitation in a real browser (issue 11): a trainer types the address of someone
 * they do not know on the roster and sees only that address; the person, on a phone, in
 * Spanish, opens the link from the mail, creates their account from it (the address filled
 * in) and accepts; only then does the trainer's roster show them. axe-core on every page.
 */
import type { Browser, Page } from 'playwright-core';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { toSessionUser } from '../../src/accounts/session-user';
import { importModules } from '../../src/courses/import';
import { Enrolment } from '../../src/enrolment/model';
import { seedReferenceData } from '../../src/reference/seed';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { launchBrowser, listen, seriousViolations } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { firstLinkIn, pathOf } from '../support/forms';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import enAccounts from '../../locales/en/accounts.json';
import enSessions from '../../locales/en/sessions.json';
import esAccounts from '../../locales/es/accounts.json';
import esEnrolment from '../../locales/es/enrolment.json';
import esSessions from '../../locales/es/sessions.json';

jest.setTimeout(120_000);

const db = useTestDatabase(__filename);
let browser: Browser;
let site: Awaited<ReturnType<typeof listen>>;
let smtp: TestSmtpServer;
const PASSWORD = 'a sentence long enough to sign in with';
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } as const;
const SCREENSHOTS = process.env.INVITATION_SCREENSHOTS;
const shoot = async (page: Page, name: string) => {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
};

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  smtp = await startTestSmtpServer();
  site = await listen(await buildTestApp(db.database(), { SMTP_URL: smtp.url }));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await smtp?.stop();
});

it('a trainer invites an unknown address; the person creates an account from the link on a phone and accepts', async () => {
  const trainer = await User.create({ email: 'tina@example.org', name: 'Tina Trainer', passwordHash: await hashPassword(PASSWORD), roles: ['trainer'], country: 'ES', emailVerifiedAt: new Date() });
  const { session } = await scheduleSession(toSessionUser(trainer), {
    title: 'Prevención en Barcelona',
    courses: ['awareness'],
    language: 'es',
    city: 'es-barcelona',
    venue: { name: 'Ajuntament', address: 'Plaça de Sant Jaume 1' },
    days: defaultDays('2031-10-06'),
    capacity: 20,
  });
  const id = String(session._id);

  // The trainer, on a laptop, in English.
  const laptop = await browser.newContext({ locale: 'en-GB' });
  const staff = await laptop.newPage();
  await staff.goto(`${site.baseUrl}/sign-in?returnTo=${encodeURIComponent(`/sessions/${id}/roster`)}`);
  await staff.getByLabel(enAccounts.fields.email).fill('tina@example.org');
  await staff.getByLabel(enAccounts.fields.password).fill(PASSWORD);
  await staff.getByRole('button', { name: enAccounts['sign-in'].submit }).click();
  await staff.waitForURL((url) => url.pathname === `/sessions/${id}/roster`);
  await staff.getByLabel(enSessions.roster.email).fill('marta.nueva@example.es');
  await staff.getByRole('button', { name: enSessions.roster['add-submit'] }).click();
  await staff.getByRole('status').filter({ hasText: enSessions.roster.done.invited }).waitFor();
  await staff.getByRole('rowheader', { name: 'marta.nueva@example.es' }).waitFor();
  expect(await seriousViolations(staff)).toEqual([]);
  await shoot(staff, 'roster-invited');

  // The person, on a phone, in Spanish: the mail's link, then "create an account".
  const mail = await smtp.waitForMessage((message) => JSON.stringify(message.to ?? '').includes('marta.nueva@example.es'));
  expect(mail.subject).toContain('Tina Trainer');
  const phone = await browser.newContext({ locale: 'es-ES', ...PHONE });
  const person = await phone.newPage();
  await person.goto(`${site.baseUrl}${pathOf(firstLinkIn(mail.text ?? '', '/session-invitation'))}`);
  await person.getByRole('heading', { level: 1, name: esEnrolment.invitation.title.replace('{{title}}', 'Prevención en Barcelona') }).waitFor();
  expect(await seriousViolations(person)).toEqual([]);
  expect(await person.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shoot(person, 'invitation-visitor-es');
  await person.locator('main').getByRole('link', { name: esEnrolment.invitation.register }).tap();
  await expect(person.getByLabel(esAccounts.fields.email).inputValue()).resolves.toBe('marta.nueva@example.es');
  await person.getByLabel(esAccounts.fields.name).fill('Marta Nueva');
  await person.getByLabel(esAccounts.fields.password, { exact: true }).fill('una frase bastante larga para entrar');
  await person.getByLabel(esAccounts.fields.country).selectOption('ES');
  await person.getByLabel(esAccounts.register.consent).check();
  await person.getByRole('button', { name: esAccounts.register.submit }).tap();

  // Signed in, back on the invitation: accept.
  const accept = person.getByRole('button', { name: esEnrolment.invitation.accept });
  await accept.waitFor();
  expect(await seriousViolations(person)).toEqual([]);
  await shoot(person, 'invitation-signed-in-es');
  await accept.tap();
  await person.getByRole('status').filter({ hasText: esSessions.enrolment.outcome.enrolled }).waitFor();
  const marta = (await User.findOne({ email: 'marta.nueva@example.es' }).lean())!;
  expect(marta.emailVerifiedAt).toBeInstanceOf(Date);
  expect(await Enrolment.countDocuments({ session: session._id, user: marta._id, status: 'enrolled' })).toBe(1);

  // Now the trainer sees her, by name, among the enrolled.
  await staff.reload();
  await staff.getByRole('rowheader', { name: 'Marta Nueva' }).waitFor();
  await laptop.close();
  await phone.close();
});
