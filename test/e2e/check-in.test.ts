/**
 * Self check-in in a browser (issue 6, point 2): a trainer opens a code for today on a phone
 * and sees it with its QR image; an enrolled person types it by keyboard only and is marked
 * present; a wrong code is refused in French. axe-core on every page along the way.
 */
import type { Page } from 'playwright-core';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { toSessionUser } from '../../src/accounts/session-user';
import { Attendance } from '../../src/attendance/model';
import { enrol } from '../../src/enrolment/service';
import { TrainingSession } from '../../src/sessions/model';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { seriousViolations } from '../support/browser';
import { useBrowserSite } from '../support/browser-site';
import { useTestDatabase } from '../support/database';
import enAccounts from '../../locales/en/accounts.json';
import frAccounts from '../../locales/fr/accounts.json';
import enAttendance from '../../locales/en/attendance.json';
import frAttendance from '../../locales/fr/attendance.json';

jest.setTimeout(120_000);

const db = useTestDatabase(__filename);
const site = useBrowserSite(db);
const PASSWORD = 'a sentence long enough to sign in with';
const HOUR = 3_600_000;
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } as const;
const SCREENSHOTS = process.env.CHECK_IN_SCREENSHOTS;

/** Signs in through the form, in the browser's language (`accounts`: that language's strings). */
async function signIn(page: Page, email: string, returnTo: string, accounts: typeof enAccounts = enAccounts) {
  await page.goto(`${site.baseUrl}/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByLabel(accounts.fields.email).fill(email);
  await page.getByLabel(accounts.fields.password).fill(PASSWORD);
  await page.getByRole('button', { name: accounts['sign-in'].submit }).click();
  await page.waitForURL((url) => url.pathname === returnTo.split('?')[0]);
}

/** Tab until the focus is on the field named `name` (keyboard only, as someone without a mouse would). */
async function tabTo(page: Page, name: string) {
  for (let presses = 0; presses < 40; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((wanted) => (document.activeElement as HTMLInputElement | null)?.name === wanted, name)) return;
  }
  throw new Error(`Tab never reached the field ${name}`);
}

const shoot = async (page: Page, name: string) => {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
};

it('a trainer opens a code on a phone; a person checks in with it by keyboard; a wrong code is refused in French', async () => {
  const hash = await hashPassword(PASSWORD);
  const trainer = await User.create({ email: 'tess@example.org', name: 'Tess Trainer', passwordHash: hash, roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
  const learner = await User.create({ email: 'lou@example.org', name: 'Lou Learner', passwordHash: hash, roles: ['stakeholder'], country: 'BE', emailVerifiedAt: new Date() });
  // Scheduled "in 2027" for days in 2031, then day 1 moved around the real now (it has started).
  const scheduledAt = new Date('2027-01-15T10:00:00Z');
  const { session } = await scheduleSession(
    toSessionUser(trainer),
    { title: 'Checking in today', courses: ['awareness'], language: 'en', city: 'be-liege', venue: { name: 'Salle des fêtes', address: 'Place du Marché 1, Liège' }, days: defaultDays('2031-06-09'), capacity: 20 },
    scheduledAt,
  );
  const id = String(session._id);
  await enrol(toSessionUser(learner), id, undefined, scheduledAt);
  const now = Date.now();
  await TrainingSession.updateOne(
    { _id: session._id },
    { $set: { 'days.0.startsAt': new Date(now - HOUR), 'days.0.endsAt': new Date(now + 6 * HOUR), 'days.1.startsAt': new Date(now + 24 * HOUR), 'days.1.endsAt': new Date(now + 30 * HOUR) } },
  );

  // The trainer, on a phone: opens a code valid for 45 minutes.
  const trainerContext = await site.browser.newContext({ locale: 'en-GB', ...PHONE });
  const staff = await trainerContext.newPage();
  const codePage = `/sessions/${id}/days/1/check-in-code`;
  await signIn(staff, 'tess@example.org', codePage);
  await staff.getByText(enAttendance['check-in']['code-page'].none).waitFor();
  await staff.getByLabel(enAttendance['check-in']['code-page'].minutes).fill('45');
  await staff.getByRole('button', { name: enAttendance['check-in']['code-page'].open }).tap();
  const shown = staff.locator('[data-code]');
  await shown.waitFor({ timeout: 10_000 });
  const code = (await shown.getAttribute('data-code'))!;
  expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
  expect((await shown.textContent())?.trim()).toBe(code);
  const qr = staff.getByRole('img', { name: enAttendance['check-in']['code-page']['qr-label'] });
  await expect(qr.locator('svg').count()).resolves.toBe(1);
  // The QR image is large enough to scan across a room, and fits the phone's screen.
  const qrBox = (await qr.boundingBox())!;
  expect(qrBox.width).toBeGreaterThanOrEqual(200);
  expect(qrBox.x + qrBox.width).toBeLessThanOrEqual(390);
  expect(await staff.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(await seriousViolations(staff)).toEqual([]);
  await shoot(staff, 'check-in-code');

  // The person, in French first, with a wrong code: a French error, tied to the field.
  const learnerContext = await site.browser.newContext({ locale: 'fr-BE', ...PHONE });
  const person = await learnerContext.newPage();
  await signIn(person, 'lou@example.org', `/check-in?session=${id}&day=1&lang=fr`, frAccounts);
  await person.getByRole('heading', { level: 1, name: frAttendance['check-in'].form.title }).waitFor();
  expect(await seriousViolations(person)).toEqual([]);
  await shoot(person, 'check-in-form-fr');
  await tabTo(person, 'code');
  await person.keyboard.type(code === 'ZZZZZ2' ? 'ZZZZZ3' : 'ZZZZZ2');
  await person.keyboard.press('Enter');
  const error = person.locator('#error-code');
  await error.waitFor({ timeout: 10_000 });
  expect((await error.textContent())?.trim()).toBe(frAttendance['check-in'].errors['wrong-code']);
  await expect(person.getByLabel(frAttendance['check-in'].form.code).getAttribute('aria-invalid')).resolves.toBe('true');
  expect(await seriousViolations(person)).toEqual([]);
  await shoot(person, 'check-in-wrong-fr');

  // Then in English, the right code, typed (lower case, with a space: it does not matter).
  await person.goto(`${site.baseUrl}/check-in?session=${id}&day=1&lang=en`);
  await person.getByRole('heading', { level: 1, name: enAttendance['check-in'].form.title }).waitFor();
  expect(await seriousViolations(person)).toEqual([]);
  await tabTo(person, 'code');
  await person.keyboard.type(`${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`);
  await person.keyboard.press('Enter');
  const confirmation = person.getByRole('status').filter({ hasText: enAttendance['check-in'].outcome.present });
  await confirmation.waitFor({ timeout: 10_000 });
  expect(person.url()).toContain(`/sessions/${id}?check-in=present#check-in`);
  // The link's #check-in brings the confirmation into view on the phone's screen.
  const top = await confirmation.evaluate((element) => element.getBoundingClientRect().top);
  expect(top).toBeGreaterThanOrEqual(0);
  expect(top).toBeLessThan(844);
  expect(await seriousViolations(person)).toEqual([]);
  await shoot(person, 'check-in-done');
  expect(await Attendance.countDocuments({ session: session._id, day: 0, status: 'present', via: 'check-in' })).toBe(1);

  await trainerContext.close();
  await learnerContext.close();
});
