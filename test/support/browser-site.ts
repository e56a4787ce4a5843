/**
 * The set-up most browser tests share: reference data and the modules in the test database,
 * `prepare` for the test's own data, the app listening on a free port, and headless Chromium;
 * all closed after the file's tests.
 */
import type { Browser } from 'playwright-core';
import { importModules } from '../../src/courses/import';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from './app';
import { launchBrowser, listen } from './browser';
import type { useTestDatabase } from './database';

export interface BrowserSite {
  readonly browser: Browser;
  readonly baseUrl: string;
}

export function useBrowserSite(db: ReturnType<typeof useTestDatabase>, prepare?: () => Promise<unknown>): BrowserSite {
  let browser: Browser | undefined;
  let site: Awaited<ReturnType<typeof listen>> | undefined;
  beforeAll(async () => {
    await seedReferenceData();
    await importModules();
    await prepare?.();
    site = await listen(await buildTestApp(db.database()));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  return {
    get browser() {
      return browser!;
    },
    get baseUrl() {
      return site!.baseUrl;
    },
  };
}
