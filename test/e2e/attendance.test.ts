/**
 * A trainer takes the roll call on a phone, by touch-sized choices; the coordinator's dashboard
 * then counts the person trained. axe-core on the roll call and the dashboard.
 */
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { enrol } from '../../src/enrolment/service';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { seriousViolations } from '../support/browser';
import { useBrowserSite } from '../support/browser-site';
import { actor } from '../support/course-authors';
import { useTestDatabase } from '../support/database';
import { giveTwoFactor } from '../support/two-factor';
import enAccounts from '../../locales/en/accounts.json';
import enAttendance from '../../locales/en/attendance.json';
import enTwoFactor from '../../locales/en/two-factor.json';

jest.setTimeout(120_000);

const db = useTestDatabase(__filename);
const site = useBrowserSite(db);
const PASSWORD = 'a sentence long enough to sign in with';

it('a trainer takes the roll call on a phone and the dashboard number moves', async () => {
  const hash = await hashPassword(PASSWORD);
  const trainer = await User.create({ email: 'rita@example.org', name: 'Rita Trainer', passwordHash: hash, roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
  const coordinator = await User.create({ email: 'coco@example.org', name: 'Coco Coordinator', passwordHash: hash, roles: ['coordinator'], scopeCountries: ['BE'], country: 'BE', emailVerifiedAt: new Date() });
  const phone = await giveTwoFactor(String(coordinator._id));
  const boss = { ...actor(['coordinator']), id: String(coordinator._id), scopeCountries: ['BE'] };
  const { session } = await scheduleSession(boss, { title: 'Roll call on a phone', courses: ['awareness'], language: 'en', city: 'be-brussels', venue: { name: 'Town hall', address: 'Grand-Place 1' }, days: defaultDays('2026-02-16'), capacity: 10, trainers: [String(trainer._id)] }, new Date('2026-01-01'));
  const learner = await User.create({ email: 'lea@example.org', name: 'Léa Learner', passwordHash: 'x', roles: ['stakeholder'], country: 'BE', emailVerifiedAt: new Date() });
  await enrol(boss, String(session._id), { userId: String(learner._id) });

  // The coordinator's dashboard first: the count before.
  const desk = await site.browser.newContext({ locale: 'en-GB' });
  const dashboard = await desk.newPage();
  await dashboard.goto(`${site.baseUrl}/sign-in?returnTo=%2Fdashboard`);
  await dashboard.getByLabel(enAccounts.fields.email).fill('coco@example.org');
  await dashboard.getByLabel(enAccounts.fields.password).fill(PASSWORD);
  await dashboard.getByRole('button', { name: enAccounts['sign-in'].submit }).click();
  await dashboard.getByLabel(enTwoFactor.fields.code).fill(phone.nextCode());
  await dashboard.keyboard.press('Enter');
  const count = async () => Number(/(\d+) of 200/.exec((await dashboard.locator('p.lead').first().textContent()) ?? '')?.[1]);
  await dashboard.locator('p.lead').first().waitFor({ timeout: 10_000 });
  expect(await count()).toBe(0);
  expect(await seriousViolations(dashboard)).toEqual([]);

  // The trainer, on a phone.
  const mobile = await site.browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await mobile.newPage();
  await page.goto(`${site.baseUrl}/sign-in?returnTo=${encodeURIComponent(`/sessions/${String(session._id)}/days/1/roll-call`)}`);
  await page.getByLabel(enAccounts.fields.email).fill('rita@example.org');
  await page.getByLabel(enAccounts.fields.password).fill(PASSWORD);
  await page.getByRole('button', { name: enAccounts['sign-in'].submit }).tap();
  await page.waitForURL(/\/days\/1\/roll-call$/);
  for (const day of [1, 2]) {
    await page.goto(`${site.baseUrl}/sessions/${String(session._id)}/days/${day}/roll-call`);
    await page.getByRole('radio', { name: enAttendance.status.present }).tap();
    expect(await seriousViolations(page)).toEqual([]);
    // The script saves the tap at once (test/e2e/roll-call-live.test.ts); Save sends anything left.
    await page.getByRole('button', { name: enAttendance['roll-call'].save, exact: true }).tap();
    await page.locator('#roll-call-live').getByText(enAttendance['roll-call'].saved).waitFor({ timeout: 10_000 });
  }
  // The choice is large enough for a thumb.
  const box = await page.locator('.status-choice').first().boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);

  await dashboard.reload();
  expect(await count()).toBe(1);
});
