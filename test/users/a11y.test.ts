import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { headingAfterNavigation, launchBrowser, listen, seriousViolations } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, firstLinkIn, submitForm } from '../support/forms';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';
import { type MadeUser, makeUser, PASSWORD } from './factory';
import enUsers from '../../locales/en/users.json';

jest.setTimeout(90_000);

const db = useTestDatabase(__filename);
let browser: Browser;
let site: Awaited<ReturnType<typeof listen>>;
let smtp: TestSmtpServer;
let page: Page;
let admin: MadeUser;

beforeAll(async () => {
  await seedReferenceData();
  smtp = await startTestSmtpServer();
  site = await listen(await buildTestApp(db.database(), { SMTP_URL: smtp.url }));
  browser = await launchBrowser();
  admin = await makeUser({ email: 'axe.admin@example.org', name: 'Axel Admin', roles: ['admin'] });
  for (const [email, name, country] of [
    ['marie@example.fr', 'Marie Curie', 'FR'],
    ['jan@example.nl', 'Jan Steen', 'NL'],
    ['ana@example.pt', 'Ana Pessoa', 'PT'],
  ] as const) {
    await makeUser({ email, name, country, roles: ['trainer'] });
  }
  // Signed in over HTTP, and the session handed to the browser: the sign-in pages are not the
  // subject here (and a browser following their 303 can outrun the session store).
  const context = await browser.newContext({ locale: 'en-GB' });
  await context.addCookies([{ name: 'liaise.sid', value: await sessionCookieOf(admin), url: site.baseUrl }]);
  page = await context.newPage();
  await page.goto(`${site.baseUrl}/admin/users`);
});

async function sessionCookieOf(user: MadeUser): Promise<string> {
  const agent = request.agent(site.baseUrl);
  await submitForm(agent, '/sign-in', '/sign-in', { email: user.email, password: PASSWORD }).then((res) => expect(res.status).toBe(303));
  const step = await agent.get('/sign-in/two-factor').expect(200);
  const done = await agent.post('/sign-in/two-factor').type('form').send({ _csrf: csrfTokenIn(step.text), code: user.phone!.nextCode() }).expect(303);
  const cookie = /liaise\.sid=([^;]+)/.exec(String(done.headers['set-cookie']))?.[1];
  if (!cookie) throw new Error('no session cookie after sign-in');
  return decodeURIComponent(cookie);
}

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await smtp?.stop();
});

it('the list, with search and filters, has no serious accessibility problem', async () => {
  expect(await headingAfterNavigation(page, enUsers.list.heading)).toBe(enUsers.list.heading);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel(enUsers.list.search).fill('jan');
  await page.getByRole('button', { name: enUsers.list.apply }).click();
  await page.getByRole('link', { name: 'Jan Steen' }).waitFor({ state: 'visible', timeout: 10_000 });
  expect(await page.getByRole('link', { name: 'Marie Curie' }).count()).toBe(0);
  await page.goto(`${site.baseUrl}/admin/users?pageSize=2&q=${'x'.repeat(101)}`);
  await page.getByRole('alert').waitFor({ state: 'visible', timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`${site.baseUrl}/admin/users?pageSize=2`);
  expect(await seriousViolations(page)).toEqual([]);
});

it('the account page: roles changed with the keyboard and mouse, confirmed, and errors shown accessibly', async () => {
  await page.goto(`${site.baseUrl}/admin/users?q=marie`);
  await page.getByRole('link', { name: 'Marie Curie' }).click();
  expect(await headingAfterNavigation(page, 'Marie Curie')).toBe('Marie Curie');
  expect(await seriousViolations(page)).toEqual([]);

  const roles = page.getByRole('group', { name: enUsers.detail['roles-legend'] });
  await roles.getByLabel(enUsers.roles.coordinator).check();
  await page.getByRole('button', { name: enUsers.detail['roles-submit'] }).click();
  await page.getByText(enUsers.done.roles).waitFor({ state: 'visible', timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);

  // Nothing ticked: the summary's link leads to the group.
  for (const role of ['stakeholder', 'trainer', 'coordinator', 'admin'] as const) await roles.getByLabel(enUsers.roles[role]).uncheck();
  await page.getByRole('button', { name: enUsers.detail['roles-submit'] }).click();
  await page.getByRole('alert').waitFor({ state: 'visible', timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('link', { name: enUsers.errors['roles-required'] }).click();
  expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('field-roles');
});

it('the new-account form, the audit log and the invitation page have no serious accessibility problem', async () => {
  await page.goto(`${site.baseUrl}/admin/users/new`);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel(enUsers.fields.name).fill('Eva Invited');
  await page.getByLabel(enUsers.fields.email).fill('not-an-email');
  await page.getByRole('button', { name: enUsers.new.submit }).click();
  await page.getByRole('alert').waitFor({ state: 'visible', timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);
  expect(await page.getByLabel(enUsers.fields.name).inputValue()).toBe('Eva Invited');

  await page.getByLabel(enUsers.fields.email).fill('eva@example.de');
  await page.getByLabel(enUsers.fields.country).selectOption('DE');
  await page.getByRole('button', { name: enUsers.new.submit }).click();
  await page.getByText(enUsers.done.invited.replace('{{email}}', 'eva@example.de')).waitFor({ state: 'visible', timeout: 10_000 });
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto(`${site.baseUrl}/admin/audit`);
  expect(await seriousViolations(page)).toEqual([]);

  const mail = await smtp.waitForMessage((message) => JSON.stringify(message.to).includes('eva@example.de'));
  const invited = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  await invited.goto(firstLinkIn(mail.text ?? '', '/invitation').replace(/^https?:\/\/[^/]+/, site.baseUrl));
  expect(await seriousViolations(invited)).toEqual([]);
  await invited.getByLabel(enUsers.invitation.password).fill('Schwarzwälder Kirschtorte');
  await invited.getByRole('button', { name: enUsers.invitation.submit }).click();
  await invited.getByText('Eva Invited').first().waitFor({ state: 'visible', timeout: 10_000 });
  expect(new URL(invited.url()).pathname).toBe('/');
});
