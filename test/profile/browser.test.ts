import type { Browser, Page } from 'playwright-core';
import { createAccountByOperator } from '../../src/accounts/service';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { launchBrowser, listen, seriousViolations } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import { PASSWORD } from './helpers';
import enAccounts from '../../locales/en/accounts.json';
import enProfile from '../../locales/en/profile.json';

jest.setTimeout(60_000);

const db = useTestDatabase(__filename);
let browser: Browser;
let site: Awaited<ReturnType<typeof listen>>;
let smtp: TestSmtpServer;
let page: Page;

beforeAll(async () => {
  await seedReferenceData();
  smtp = await startTestSmtpServer();
  site = await listen(await buildTestApp(db.database(), { SMTP_URL: smtp.url }));
  browser = await launchBrowser();
  await createAccountByOperator({ email: 'elena@example.es', name: 'Elena Ruiz', roles: ['stakeholder'], password: PASSWORD, language: 'en' });
  page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await smtp?.stop();
});

it('is reached after sign-in, in one piece, with no serious accessibility problem', async () => {
  await page.goto(`${site.baseUrl}/profile`);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await page.getByLabel(enAccounts.fields.email).fill('elena@example.es');
  await page.getByLabel(enAccounts.fields.password).fill(PASSWORD);
  await page.getByRole('button', { name: enAccounts['sign-in'].submit }).click();
  await page.getByRole('heading', { level: 1, name: enProfile.heading }).waitFor({ state: 'visible', timeout: 10_000 });
  expect(new URL(page.url()).pathname).toBe('/profile');

  expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
  for (const section of [enProfile.details.heading, enProfile.email.heading, enProfile.password.heading, enProfile['two-factor'].heading, enProfile.tokens.heading]) {
    await expect(page.getByRole('region', { name: section }).count()).resolves.toBe(1);
  }
  expect(await seriousViolations(page)).toEqual([]);
});

it('saves the details and confirms it in the section, keeping the page accessible', async () => {
  await page.getByLabel(enProfile.details.name).fill('Elena Ruiz García');
  await page.getByLabel(enProfile.details.country).selectOption('ES');
  await page.getByLabel(enProfile.details.city, { exact: true }).selectOption('es-barcelona');
  await page.getByLabel(enProfile.details.sector).selectOption('health');
  await page.getByRole('button', { name: enProfile.details.submit }).click();
  await page.getByRole('status').filter({ hasText: enProfile.done['details-saved'] }).waitFor({ state: 'visible', timeout: 10_000 });
  expect(new URL(page.url()).hash).toBe('#details-heading');
  expect(await page.getByLabel(enProfile.details.name).inputValue()).toBe('Elena Ruiz García');
  expect(await seriousViolations(page)).toEqual([]);
});

it('shows a wrong current password next to the field, with a summary that leads there', async () => {
  await page.locator('#field-currentPassword').fill('this is not it at all');
  await page.locator('#field-newPassword').fill('a new and quite long passphrase');
  await page.getByRole('button', { name: enProfile.password.submit }).click();
  await page.getByRole('alert').waitFor({ state: 'visible', timeout: 10_000 });
  await page.getByRole('link', { name: enProfile['wrong-password'] }).click();
  expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('field-currentPassword');
  expect(await page.locator('#field-newPassword').inputValue()).toBe('');
  expect(await seriousViolations(page)).toEqual([]);
});

it('creates an API token, shows it once, and lists it with its revoke button', async () => {
  await page.getByLabel(enProfile.tokens['token-name']).fill('Payroll sync');
  await page.getByLabel(enProfile.tokens.lifetime).selectOption('90');
  await page.getByRole('button', { name: enProfile.tokens.create }).click();
  const secret = page.locator('#new-token');
  await secret.waitFor({ state: 'visible', timeout: 10_000 });
  expect(await secret.textContent()).toMatch(/^liaise_/);
  expect(await page.getByText(enProfile.tokens['copy-now']).isVisible()).toBe(true);
  const revoke = page.getByRole('button', { name: enProfile.tokens['revoke-named'].replace('{{name}}', 'Payroll sync') });
  expect(await revoke.count()).toBe(1);
  expect(await seriousViolations(page)).toEqual([]);

  await revoke.click();
  await page.getByRole('status').filter({ hasText: enProfile.done['token-revoked'] }).waitFor({ state: 'visible', timeout: 10_000 });
  expect(await page.locator('#new-token').count()).toBe(0);
  expect(await page.getByText(enProfile.tokens.none).isVisible()).toBe(true);
});
