import type { Browser, Page } from 'playwright-core';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { launchBrowser, listen, seriousViolations } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { codeAt } from '../support/two-factor';
import enAccounts from '../../locales/en/accounts.json';
import enTwoFactor from '../../locales/en/two-factor.json';

jest.setTimeout(90_000);

const db = useTestDatabase(__filename);
let browser: Browser;
let site: Awaited<ReturnType<typeof listen>>;
let page: Page;
const PASSWORD = 'a passphrase for the admin of Liège';

beforeAll(async () => {
  await seedReferenceData();
  site = await listen(await buildTestApp(db.database()));
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function signIn(email: string) {
  await page.goto(`${site.baseUrl}/sign-in`);
  await page.getByLabel(enAccounts.fields.email).fill(email);
  await page.getByLabel(enAccounts.fields.password).fill(PASSWORD);
  await page.getByRole('button', { name: enAccounts['sign-in'].submit }).click();
}

it('an admin is asked to set up two-factor at sign-in, does so with the app, then signs in with a code', async () => {
  await User.create({ email: 'admin@example.org', name: 'Camille Admin', passwordHash: await hashPassword(PASSWORD), roles: ['admin'], emailVerifiedAt: new Date() });
  await signIn('admin@example.org');

  await page.getByText(enTwoFactor.status.required).waitFor({ timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: enTwoFactor.status['set-up'] }).click();

  // The QR code is an image with a name; the key is there to type by hand.
  await page.getByRole('img', { name: enTwoFactor.setup['step-scan'] }).waitFor({ timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);
  const secret = (await page.locator('code.secret').innerText()).replace(/\s/g, '');
  await page.getByLabel(enTwoFactor.setup['step-code']).fill(codeAt(secret, Date.now()));
  await page.getByRole('button', { name: enTwoFactor.setup.confirm }).click();

  await page.getByRole('heading', { name: enTwoFactor.codes.heading }).waitFor({ timeout: 10_000 });
  expect(await page.locator('.recovery-codes li').count()).toBe(10);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('link', { name: enTwoFactor.codes.saved }).click();
  await page.getByText(enTwoFactor.status.on).waitFor({ timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);

  // Next time: password, then the code, by keyboard alone.
  await page.context().clearCookies();
  await signIn('admin@example.org');
  const codeField = page.getByLabel(enTwoFactor.fields.code);
  await codeField.waitFor({ timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);
  await codeField.focus();
  await page.keyboard.type(codeAt(secret, Date.now() + 30_000));
  await page.keyboard.press('Enter');
  await page.getByText('Camille Admin').first().waitFor({ timeout: 10_000 });
  expect(new URL(page.url()).pathname).toBe('/');
});
