/**
 * The coordinators' dashboard as it looks with a programme under way: demo data (`npm run
 * seed:demo`, src/demo) across the partner cities, read by an all-countries coordinator and by
 * one of Belgium only, on a laptop and a phone; the numbers shown are the stored counts, and
 * axe finds nothing serious.
 */
import type { Page } from 'playwright-core';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { TrainedPerson } from '../../src/attendance/model';
import { seedDemo } from '../../src/demo/seed';
import { seriousViolations } from '../support/browser';
import { useBrowserSite } from '../support/browser-site';
import { useTestDatabase } from '../support/database';
import { giveTwoFactor } from '../support/two-factor';
import enAccounts from '../../locales/en/accounts.json';
import enTwoFactor from '../../locales/en/two-factor.json';

jest.setTimeout(120_000);

const db = useTestDatabase(__filename);
const site = useBrowserSite(db, () => seedDemo({ stakeholders: 300, sessions: 24, run: 'e2e-dashboard' }, new Date()));
const PASSWORD = 'a sentence long enough to sign in with';

async function coordinatorOn(viewport: { width: number; height: number }, email: string, scopeCountries: string[]): Promise<Page> {
  const coordinator = await User.create({ email, name: `Coordinator ${email}`, passwordHash: await hashPassword(PASSWORD), roles: ['coordinator'], scopeCountries, country: 'BE', emailVerifiedAt: new Date() });
  const phone = await giveTwoFactor(String(coordinator._id));
  const page = await (await site.browser.newContext({ locale: 'en-GB', viewport })).newPage();
  await page.goto(`${site.baseUrl}/sign-in?returnTo=%2Fdashboard`);
  await page.getByLabel(enAccounts.fields.email).fill(email);
  await page.getByLabel(enAccounts.fields.password).fill(PASSWORD);
  await page.getByRole('button', { name: enAccounts['sign-in'].submit }).click();
  await page.getByLabel(enTwoFactor.fields.code).fill(phone.nextCode());
  await page.keyboard.press('Enter');
  await page.locator('p.lead').first().waitFor({ timeout: 10_000 });
  return page;
}

const shownTrained = async (page: Page) => Number(/([\d,]+) of 200/.exec((await page.locator('p.lead').first().textContent()) ?? '')?.[1]?.replace(/,/g, ''));

it('shows the programme’s progress from the stored counts, for all countries and for one, accessibly on a laptop and a phone', async () => {
  const everyone = await TrainedPerson.countDocuments({ trained: true });
  const inBelgium = await TrainedPerson.countDocuments({ trained: true, country: 'BE' });
  expect(everyone).toBeGreaterThan(inBelgium);
  expect(inBelgium).toBeGreaterThan(0);

  const laptop = await coordinatorOn({ width: 1280, height: 900 }, 'all@example.org', []);
  expect(await shownTrained(laptop)).toBe(everyone);
  // The chart is drawn with its numbers also in a table; the breakdowns name the partner countries.
  expect(await laptop.locator('svg title').count()).toBeGreaterThan(0);
  expect(await laptop.getByRole('table').count()).toBeGreaterThan(1);
  expect(await laptop.getByRole('rowheader', { name: 'Belgium', exact: true }).count()).toBeGreaterThan(0);
  expect(await seriousViolations(laptop)).toEqual([]);

  const phone = await coordinatorOn({ width: 390, height: 844 }, 'be@example.org', ['BE']);
  expect(await shownTrained(phone)).toBe(inBelgium);
  expect(await phone.getByRole('rowheader', { name: 'Sweden', exact: true }).count()).toBe(0);
  // Nothing on the page is wider than the phone's screen.
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(await seriousViolations(phone)).toEqual([]);
});
