/**
 * A trainer writes a module on the web, by keyboard: starts a draft, edits a lesson with a
 * preview, opens the check editor and the translation status; every page passes axe-core.
 */
import type { Browser, Page } from 'playwright-core';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { importModules } from '../../src/courses/import';
import { CourseVersion } from '../../src/courses/model';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { headingAfterNavigation, launchBrowser, listen, seriousViolations } from '../support/browser';
import { useTestDatabase } from '../support/database';
import enAccounts from '../../locales/en/accounts.json';
import enAuthoring from '../../locales/en/authoring.json';

jest.setTimeout(120_000);

const db = useTestDatabase(__filename);
let browser: Browser;
let site: Awaited<ReturnType<typeof listen>>;
let page: Page;
const PASSWORD = 'a trainer who writes lessons on the train';

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  site = await listen(await buildTestApp(db.database()));
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

it('a trainer starts a draft, previews and saves a lesson by keyboard, and sees the translation status', async () => {
  await User.create({ email: 'trainer@example.org', name: 'Tess Trainer', passwordHash: await hashPassword(PASSWORD), roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
  await page.goto(`${site.baseUrl}/sign-in?returnTo=%2Fauthoring`);
  await page.getByLabel(enAccounts.fields.email).fill('trainer@example.org');
  await page.getByLabel(enAccounts.fields.password).fill(PASSWORD);
  await page.getByRole('button', { name: enAccounts['sign-in'].submit }).click();
  expect(await headingAfterNavigation(page, enAuthoring.index.heading)).toBe(enAuthoring.index.heading);
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto(`${site.baseUrl}/authoring/schools`);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: enAuthoring.module['start-draft'] }).press('Enter');
  await page.getByText(enAuthoring.done['draft-started']).waitFor({ timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);

  const draft = (await CourseVersion.findOne({ course: 'schools', status: 'draft' }).lean())!;
  const first = draft.lessons[0]!;
  await page.goto(`${site.baseUrl}/authoring/schools/versions/${draft.version}/lessons/${first.key}?content=fr`);
  expect(await seriousViolations(page)).toEqual([]);
  const body = page.getByLabel(enAuthoring.editor.body);
  await body.fill('## Un climat scolaire sûr\n\nUn texte **révisé**.');
  await body.focus();
  // From the text area, Tab reaches Preview, then Save: the order the page reads in.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: enAuthoring.editor['preview-heading'] }).waitFor({ timeout: 10_000 });
  expect(await page.locator('.preview strong').textContent()).toBe('révisé');
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: enAuthoring.editor.save, exact: true }).press('Enter');
  await page.getByText(enAuthoring.done['lesson-saved']).waitFor({ timeout: 10_000 });
  expect((await CourseVersion.findById(draft._id).lean())!.lessons[0]!.content.fr!.body).toBe('## Un climat scolaire sûr\n\nUn texte **révisé**.');

  await page.goto(`${site.baseUrl}/authoring/schools/versions/${draft.version}/check?content=fr`);
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`${site.baseUrl}/authoring/schools/versions/${draft.version}/lessons/new`);
  expect(await seriousViolations(page)).toEqual([]);
});
