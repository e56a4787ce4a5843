import type { Browser, Page } from 'playwright-core';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { importModules } from '../../src/courses/import';
import { CourseVersion } from '../../src/courses/model';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { headingAfterNavigation, launchBrowser, listen, seriousViolations } from '../support/browser';
import { useTestDatabase } from '../support/database';
import ptAccounts from '../../locales/pt/accounts.json';
import ptLearning from '../../locales/pt/learning.json';

jest.setTimeout(90_000);

const db = useTestDatabase(__filename);
let browser: Browser;
let site: Awaited<ReturnType<typeof listen>>;
let page: Page;
const PASSWORD = 'uma frase longa de Lisboa para entrar';

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  site = await listen(await buildTestApp(db.database()));
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'pt-PT' })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

it('a learner opens the catalogue in Portuguese, reads a lesson, marks it done and passes the check', async () => {
  await User.create({ email: 'ines@example.pt', name: 'Inês Lisboa', passwordHash: await hashPassword(PASSWORD), roles: ['stakeholder'], country: 'PT', language: 'pt', emailVerifiedAt: new Date() });

  await page.goto(`${site.baseUrl}/modules`);
  expect(await headingAfterNavigation(page, ptLearning.catalogue.heading)).toBe(ptLearning.catalogue.heading);
  expect(await page.getAttribute('html', 'lang')).toBe('pt');
  expect(await page.locator('ol.modules > li').count()).toBe(6);
  expect(await seriousViolations(page)).toEqual([]);

  await page.locator('a[href="/modules/awareness"]').click();
  await page.getByRole('link', { name: ptLearning.module['sign-in-to-start'] }).click();
  await page.getByLabel(ptAccounts.fields.email).fill('ines@example.pt');
  await page.getByLabel(ptAccounts.fields.password).fill(PASSWORD);
  await page.getByRole('button', { name: ptAccounts['sign-in'].submit }).click();

  // Back on the module page, signed in: start it, then open its first lesson.
  await page.getByRole('button', { name: ptLearning.module.start }).click();
  await page.getByRole('link', { name: ptLearning.module.continue }).click();
  expect(await headingAfterNavigation(page, 'O que é a radicalização')).toContain('O que é a radicalização');
  expect(await page.getByRole('progressbar').count()).toBe(1);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: ptLearning.lesson['mark-done'] }).click();
  await page.getByText(ptLearning.lesson.done).waitFor({ timeout: 10_000 });

  await page.goto(`${site.baseUrl}/modules/awareness/check`);
  expect(await seriousViolations(page)).toEqual([]);
  const version = (await CourseVersion.findOne({ course: 'awareness', version: '1.1.0' }).lean())!;
  for (const question of version.questions) {
    for (const option of question.correct) await page.locator(`#q-${question.key}-${option}`).check();
  }
  await page.getByRole('button', { name: ptLearning.check.submit }).click();
  await page.getByText(ptLearning.check.passed.replace('{{mark}}', '70')).waitFor({ timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);
});
