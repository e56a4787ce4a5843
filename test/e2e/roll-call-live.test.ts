/**
 * The roll call with its script (views/assets/roll-call.js): each tap is saved at once, without
 * pressing Save; with the network down, changes wait on the device, survive the tab being
 * closed, and are sent when the page is open again online; a refused change is named.
 */
import type mongoose from 'mongoose';
import type { BrowserContext, Page } from 'playwright-core';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { Attendance, attendanceId } from '../../src/attendance/model';
import { cancelEnrolment, enrol } from '../../src/enrolment/service';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { seriousViolations } from '../support/browser';
import { useBrowserSite } from '../support/browser-site';
import { actor } from '../support/course-authors';
import { useTestDatabase } from '../support/database';
import enAccounts from '../../locales/en/accounts.json';
import enAttendance from '../../locales/en/attendance.json';

jest.setTimeout(120_000);

const db = useTestDatabase(__filename);
const site = useBrowserSite(db);
const PASSWORD = 'a sentence long enough to sign in with';
const live = enAttendance['roll-call'].live;

/** The record stored for a person on day 1, waiting up to `ms` for its status to become `expected`. */
async function storedStatus(sessionId: mongoose.Types.ObjectId, userId: mongoose.Types.ObjectId, expected: string | null, ms = 10_000) {
  const deadline = Date.now() + ms;
  let record = await Attendance.findById(attendanceId(sessionId, 0, userId)).lean();
  while ((record?.status ?? null) !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    record = await Attendance.findById(attendanceId(sessionId, 0, userId)).lean();
  }
  return record;
}

const row = (page: Page, name: string) => page.getByRole('group', { name: new RegExp(`^${name}`) });

it('saves each tap at once, keeps changes made offline on the device and sends them later, and names a refused change', async () => {
  const hash = await hashPassword(PASSWORD);
  const trainer = await User.create({ email: 'tess@example.org', name: 'Tess Trainer', passwordHash: hash, roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
  const boss = { ...actor(['coordinator']), id: String(trainer._id), scopeCountries: ['BE'] };
  const { session } = await scheduleSession(boss, { title: 'Live roll call', courses: ['awareness'], language: 'en', city: 'be-brussels', venue: { name: 'Town hall', address: 'Grand-Place 1' }, days: defaultDays('2026-03-02'), capacity: 10, trainers: [String(trainer._id)] }, new Date('2026-01-01'));
  const people: Record<string, InstanceType<typeof User>> = {};
  for (const name of ['Anna', 'Bruno', 'Carla', 'Dries']) {
    people[name] = await User.create({ email: `${name.toLowerCase()}@example.org`, name, passwordHash: 'x', roles: ['stakeholder'], country: 'BE', emailVerifiedAt: new Date() });
    await enrol(boss, String(session._id), { userId: String(people[name]._id) });
  }
  const url = `${site.baseUrl}/sessions/${String(session._id)}/days/1/roll-call`;

  const phone: BrowserContext = await site.browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  let page = await phone.newPage();
  await page.goto(`${site.baseUrl}/sign-in?returnTo=${encodeURIComponent(new URL(url).pathname)}`);
  await page.getByLabel(enAccounts.fields.email).fill('tess@example.org');
  await page.getByLabel(enAccounts.fields.password).fill(PASSWORD);
  await page.getByRole('button', { name: enAccounts['sign-in'].submit }).tap();
  await page.waitForURL(/\/days\/1\/roll-call$/);

  // One tap, no Save: stored, the person's line and the counts say so, the page stays.
  await row(page, 'Anna').getByRole('radio', { name: enAttendance.status.present }).tap();
  await row(page, 'Anna').getByText(enAttendance['roll-call'].saved).waitFor({ timeout: 10_000 });
  expect((await storedStatus(session._id, people.Anna!._id, 'present'))?.status).toBe('present');
  expect(await page.locator('[data-count="present"]').textContent()).toBe('1');
  expect(page.url()).not.toContain('done=saved');
  expect(await seriousViolations(page)).toEqual([]);

  // The network drops: a status and a note are kept on the device and said to be waiting.
  await phone.setOffline(true);
  await row(page, 'Bruno').getByRole('radio', { name: enAttendance.status.late }).tap();
  await row(page, 'Bruno').getByRole('textbox').fill('Train from Leuven was late');
  await page.getByRole('status').filter({ hasText: live.offline }).waitFor({ timeout: 10_000 });
  await row(page, 'Bruno').getByText(live.waiting).waitFor();
  expect(await storedStatus(session._id, people.Bruno!._id, 'late', 500)).toBeNull();
  expect(await seriousViolations(page)).toEqual([]);

  // The tab is closed before the network returns; opened again later, online, nothing was lost.
  await page.close({ runBeforeUnload: false });
  await phone.setOffline(false);
  page = await phone.newPage();
  await page.goto(url);
  await page.getByRole('status').filter({ hasText: enAttendance['roll-call'].saved }).waitFor({ timeout: 10_000 });
  const bruno = await storedStatus(session._id, people.Bruno!._id, 'late');
  expect(bruno).toMatchObject({ status: 'late', note: 'Train from Leuven was late' });
  expect(await row(page, 'Bruno').getByRole('radio', { name: enAttendance.status.late }).isChecked()).toBe(true);

  // Offline again, a tap; the network returns while the page is open: sent without reloading.
  await phone.setOffline(true);
  await row(page, 'Carla').getByRole('radio', { name: enAttendance.status.excused }).tap();
  await row(page, 'Carla').getByText(live.waiting).waitFor({ timeout: 10_000 });
  await phone.setOffline(false);
  expect((await storedStatus(session._id, people.Carla!._id, 'excused', 20_000))?.status).toBe('excused');
  await row(page, 'Carla').getByText(enAttendance['roll-call'].saved).waitFor({ timeout: 10_000 });

  // Dries's enrolment is cancelled after the page was opened: his change is refused by name.
  await cancelEnrolment(boss, String(session._id), String(people.Dries!._id));
  await row(page, 'Dries').getByRole('radio', { name: enAttendance.status.present }).tap();
  await row(page, 'Dries').getByText(live['not-saved']).waitFor({ timeout: 10_000 });
  expect(await row(page, 'Dries').locator('[data-save-state]').textContent()).toContain('Dries');
  expect(await storedStatus(session._id, people.Dries!._id, 'present', 500)).toBeNull();
  expect(await row(page, 'Dries').getByRole('radio', { name: enAttendance.status.present }).isChecked()).toBe(false);

  // Nothing is left waiting on the device.
  expect(await page.evaluate(() => Object.keys(window.localStorage).filter((key) => key.startsWith('liaise:roll-call:')))).toEqual([]);
  await phone.close();
});
