/// <reference lib="dom" />
// page.evaluate callbacks run in the browser, hence the DOM types in this file only.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { buildTestApp } from '../support/app';
import { headingAfterNavigation, launchBrowser, listen, seriousViolations } from '../support/browser';
import { useTestDatabase } from '../support/database';
import elCommon from '../../locales/el/common.json';
import elErrors from '../../locales/el/errors.json';
import elHome from '../../locales/el/home.json';
import enCommon from '../../locales/en/common.json';
import enHome from '../../locales/en/home.json';

jest.setTimeout(60_000);

const db = useTestDatabase(__filename);
let browser: Browser;
let site: Awaited<ReturnType<typeof listen>>;
let page: Page;

beforeAll(async () => {
  site = await listen(await buildTestApp(db.database()));
  browser = await launchBrowser();
});

beforeEach(async () => {
  const context = await browser.newContext({ locale: 'en-GB' });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/**
 * Keeps a picture of the page for people to look at. It is not an assertion: Chromium under
 * load sometimes refuses a capture ("Unable to capture screenshot"), which says nothing about
 * the page, so that refusal is reported and the test goes on.
 */
async function screenshot(name: string) {
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true }).catch((error: unknown) => {
    console.warn(`screenshot ${name} not taken: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  });
}

it('opens the home page, switches to Ελληνικά and reads the Greek heading', async () => {
  await page.goto(`${site.baseUrl}/`);
  expect(await headingAfterNavigation(page, enHome.heading)).toBe(enHome.heading);

  await page.getByText(enCommon.language.current.replace('{{language}}', 'English')).click();
  await page.getByRole('link', { name: 'Ελληνικά' }).click();

  expect(await headingAfterNavigation(page, elHome.heading)).toBe(elHome.heading);
  expect(await page.getAttribute('html', 'lang')).toBe('el');
  expect(new URL(page.url()).pathname).toBe('/');
  await screenshot('home-el');

  // The choice is remembered on the next page, including an error page.
  await page.goto(`${site.baseUrl}/does-not-exist`);
  expect(await headingAfterNavigation(page, elErrors['not-found'].title)).toBe(elErrors['not-found'].title);
  expect(await page.getByRole('navigation', { name: elCommon.nav.label }).isVisible()).toBe(true);
});

it('works by keyboard: the skip link comes first and leads to the main content', async () => {
  await page.goto(`${site.baseUrl}/`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
  expect(focused).toBe(enCommon['skip-to-content']);
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

  // The language switcher opens and is followed by keyboard alone.
  await page.locator('.language-switcher summary').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('lang'))).toBe('en');
});

it.each(['en', 'el'])('has no serious or critical accessibility violations on the home page (%s)', async (lang) => {
  await page.goto(`${site.baseUrl}/?lang=${lang}`);
  await page.locator('.language-switcher summary').click(); // the open menu is checked too
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(`home-${lang}-menu`);
});

it('has no serious or critical accessibility violations on the 404 page', async () => {
  await page.goto(`${site.baseUrl}/nowhere`);
  expect(await seriousViolations(page)).toEqual([]);
});

it('stays readable on a phone', async () => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`${site.baseUrl}/?lang=de`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot('home-de-phone');
});
