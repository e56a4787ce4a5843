import type { Browser, Page } from 'playwright-core';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { headingAfterNavigation, launchBrowser, listen, seriousViolations } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import enAccounts from '../../locales/en/accounts.json';
import enCommon from '../../locales/en/common.json';
import svAccounts from '../../locales/sv/accounts.json';
import svCommon from '../../locales/sv/common.json';

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
});

beforeEach(async () => {
  page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await smtp?.stop();
});

it('a stakeholder registers in a real browser, is signed in, signs out and back in', async () => {
  await page.goto(`${site.baseUrl}/`);
  await page.getByRole('link', { name: enCommon.nav.register }).first().click();
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByLabel(enAccounts.fields.name).fill('Sofia Lindqvist');
  await page.getByLabel(enAccounts.fields.email).fill('sofia@example.se');
  await page.getByLabel(enAccounts.fields.password, { exact: true }).fill('midsommar i malmö 2026');
  await page.getByLabel(enAccounts.fields.country).selectOption('SE');
  await page.getByLabel(enAccounts.fields.city, { exact: true }).selectOption('se-malmo');
  await page.getByLabel(enAccounts.fields.organisation, { exact: true }).selectOption('city-of-malmo');
  await page.getByLabel(enAccounts.fields.sector).selectOption('local-government');
  await page.getByLabel(enAccounts.fields.language).selectOption('sv');
  await page.getByLabel(enAccounts.register.consent).check();
  await page.getByRole('button', { name: enAccounts.register.submit }).click();

  // Signed in, and the site now speaks the language chosen in the form.
  expect(await headingAfterNavigation(page, svAccounts.registered.title)).toBe(svAccounts.registered.title);
  expect(await page.getAttribute('html', 'lang')).toBe('sv');
  const mail = await smtp.waitForMessage((message) => JSON.stringify(message.to).includes('sofia@example.se'));
  expect(mail.subject).toBeTruthy();

  await page.getByRole('button', { name: svCommon.nav['sign-out'] }).click();
  await page.goto(`${site.baseUrl}/sign-in?lang=en`);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel(enAccounts.fields.email).fill('sofia@example.se');
  await page.getByLabel(enAccounts.fields.password).fill('midsommar i malmö 2026');
  await page.getByRole('button', { name: enAccounts['sign-in'].submit }).click();
  await page.getByText('Sofia Lindqvist').first().waitFor({ state: 'visible', timeout: 10_000 });
  expect(new URL(page.url()).pathname).toBe('/');
});

it('shows a failed registration with an error summary that leads to the field, keeping the values', async () => {
  await page.goto(`${site.baseUrl}/register`);
  await page.getByLabel(enAccounts.fields.name).fill('Marco Bologna');
  await page.getByLabel(enAccounts.fields.email).fill('marco@example.it');
  await page.getByLabel(enAccounts.fields.password, { exact: true }).fill('password1234');
  await page.getByLabel(enAccounts.fields.country).selectOption('IT');
  await page.getByRole('button', { name: enAccounts.register.submit }).click();

  await page.getByRole('alert').waitFor({ state: 'visible', timeout: 10_000 });
  await page.getByRole('link', { name: enAccounts['password-problem']['too-common'] }).click();
  expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('field-password');
  expect(await page.getByLabel(enAccounts.fields.name).inputValue()).toBe('Marco Bologna');
  expect(await page.getByLabel(enAccounts.fields.password, { exact: true }).inputValue()).toBe('');
  expect(await seriousViolations(page)).toEqual([]);
});
