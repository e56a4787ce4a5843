import type { Browser, Page } from 'playwright-core';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { headingAfterNavigation, launchBrowser, listen, seriousViolations } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { firstLinkIn, pathOf } from '../support/forms';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import enAccounts from '../../locales/en/accounts.json';
import enCommon from '../../locales/en/common.json';
import svAccounts from '../../locales/sv/accounts.json';

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

it('a stakeholder registers in a real browser, confirms the address from the mail and signs in', async () => {
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

  // Not signed in: the page says to look for the mail, in the language chosen in the form.
  expect(await headingAfterNavigation(page, svAccounts.registered.title)).toBe(svAccounts.registered.title);
  expect(await page.getAttribute('html', 'lang')).toBe('sv');
  expect(await seriousViolations(page)).toEqual([]);
  const mail = await smtp.waitForMessage((message) => JSON.stringify(message.to).includes('sofia@example.se'));

  await page.goto(`${site.baseUrl}${pathOf(firstLinkIn(mail.text ?? '', '/verify-email'))}`);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(enAccounts.verify['done-title']);
  await page.getByRole('main').getByRole('link', { name: enCommon.nav['sign-in'] }).click();
  await page.getByLabel(enAccounts.fields.email).waitFor({ state: 'visible', timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel(enAccounts.fields.email).fill('sofia@example.se');
  await page.getByLabel(enAccounts.fields.password).fill('midsommar i malmö 2026');
  await page.getByRole('button', { name: enAccounts['sign-in'].submit }).click();
  await page.getByText('Sofia Lindqvist').first().waitFor({ state: 'visible', timeout: 10_000 });
  expect(new URL(page.url()).pathname).toBe('/');
  // Signed in, the site speaks the language of the account.
  expect(await page.getAttribute('html', 'lang')).toBe('sv');
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
