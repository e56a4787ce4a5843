/**
 * A stakeholder finds a session in Dutch, enrols and downloads its calendar file, by keyboard;
 * the calendar parses back (ical.js) with the session's days in its own zone. axe-core on each page.
 */
import { readFile } from 'node:fs/promises';
import type ICALModule from 'ical.js' with { 'resolution-mode': 'import' };
import type { Browser, Page } from 'playwright-core';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { importModules } from '../../src/courses/import';
import { seedReferenceData } from '../../src/reference/seed';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { headingAfterNavigation, launchBrowser, listen, seriousViolations } from '../support/browser';
import { actor } from '../support/course-authors';
import { useTestDatabase } from '../support/database';
import nlAccounts from '../../locales/nl/accounts.json';
import nlSessions from '../../locales/nl/sessions.json';
import nlCalendar from '../../locales/nl/calendar.json';

// ical.js is ESM-only; Node ≥ 20.19 loads it with require (as test/calendar does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js') as typeof ICALModule;

jest.setTimeout(120_000);

const db = useTestDatabase(__filename);
let browser: Browser;
let site: Awaited<ReturnType<typeof listen>>;
let page: Page;
const PASSWORD = 'een lange zin om mee in te loggen in Vilvoorde';

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  site = await listen(await buildTestApp(db.database()));
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'nl-BE', acceptDownloads: true })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

it('finds a session in Dutch, enrols and downloads the .ics', async () => {
  const trainer = await User.create({ email: 'trainer@example.be', name: 'Tom Trainer', passwordHash: 'x', roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
  const { session } = await scheduleSession(
    { ...actor(['trainer']), id: String(trainer._id), name: trainer.name },
    { title: 'Bewustwording in Vilvoorde', courses: ['awareness'], language: 'nl', city: 'be-vilvoorde', venue: { name: 'Het Bolwerk', address: 'Grote Markt 1, 1800 Vilvoorde' }, days: defaultDays('2031-10-13'), capacity: 20 },
  );
  await User.create({ email: 'lotte@example.be', name: 'Lotte Peeters', passwordHash: await hashPassword(PASSWORD), roles: ['stakeholder'], country: 'BE', language: 'nl', emailVerifiedAt: new Date() });

  await page.goto(`${site.baseUrl}/sessions`);
  expect(await headingAfterNavigation(page, nlSessions.list.heading)).toBe(nlSessions.list.heading);
  expect(await page.getAttribute('html', 'lang')).toBe('nl');
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel(nlSessions.fields.city).selectOption('be-vilvoorde');
  await page.getByRole('button', { name: nlSessions.list.apply }).press('Enter');
  await page.getByRole('link', { name: 'Bewustwording in Vilvoorde' }).waitFor({ timeout: 10_000 });
  await page.getByRole('link', { name: 'Bewustwording in Vilvoorde' }).press('Enter');
  expect(await headingAfterNavigation(page, 'Bewustwording in Vilvoorde')).toBe('Bewustwording in Vilvoorde');
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('link', { name: nlSessions.enrolment['sign-in'] }).press('Enter');
  await page.getByLabel(nlAccounts.fields.email).fill('lotte@example.be');
  await page.getByLabel(nlAccounts.fields.password).fill(PASSWORD);
  await page.getByRole('button', { name: nlAccounts['sign-in'].submit }).press('Enter');
  await page.getByRole('button', { name: nlSessions.enrolment.enrol, exact: true }).press('Enter');
  await page.getByText(nlSessions.enrolment['you-are-enrolled']).waitFor({ timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: nlCalendar.download }).press('Enter')]);
  const calendar = new ICAL.Component(ICAL.parse(await readFile((await download.path())!, 'utf8')));
  const events = calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component));
  expect(events).toHaveLength(2);
  expect(events.map((event) => event.startDate.toJSDate().toISOString())).toEqual(session.days.map((day) => day.startsAt.toISOString()));
  expect(calendar.getAllSubcomponents('vevent').map((component) => String(component.getFirstProperty('dtstart')!.getParameter('tzid')))).toEqual(['Europe/Brussels', 'Europe/Brussels']);

  await page.goto(`${site.baseUrl}/sessions/calendar?month=2031-10`);
  await page.getByRole('link', { name: 'Bewustwording in Vilvoorde' }).first().waitFor({ timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);
});
