/**
 * Differences between two versions of a course: the pure comparison (on the real awareness
 * module, 1.0.0 → 1.1.0, in all eleven languages), the API and the authors' page.
 */
import type { Express } from 'express';
import request from 'supertest';
import type { Browser } from 'playwright-core';
import { type Role, User } from '../../src/accounts/model';
import { createApiToken } from '../../src/accounts/api-token';
import { hashPassword } from '../../src/accounts/passwords';
import type { SessionUser } from '../../src/accounts/session-user';
import { compareVersions, diffText, MAX_LINES, type Part, type TextDiff } from '../../src/courses/diff/compare';
import { courseDiffSchema } from '../../src/courses/diff/schema';
import { editLesson } from '../../src/courses/drafts';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion, type CourseVersionDocument } from '../../src/courses/model';
import { startDraft } from '../../src/courses/versions';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages';
import { buildTestApp } from '../support/app';
import { launchBrowser, listen, seriousViolations } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { signInPersona, type SignedInPersona } from '../support/personas';
import en from '../../locales/en/course-diff.json';

jest.setTimeout(60_000);

const db = useTestDatabase(__filename);
let app: Express;
let v100: CourseVersionDocument;
let v110: CourseVersionDocument;
let imported: unknown[] = [];
let trainerToken: string;
let stakeholderToken: string;
let trainerWeb: SignedInPersona;
let stakeholderWeb: SignedInPersona;
let anonymousWeb: SignedInPersona;

const trainer: SessionUser = {
  id: '000000000000000000000ab1',
  email: 'diff-trainer@example.org',
  name: 'Diff Trainer',
  roles: ['trainer'],
  language: 'en',
  status: 'active',
  emailVerified: true,
  scopeCountries: [],
  sessionEpoch: 0,
  twoFactorEnabled: false,
};

let serial = 0;
async function tokenFor(roles: Role[]): Promise<string> {
  serial += 1;
  const user = await User.create({ email: `diff-api-${serial}@example.org`, name: `Diff ${serial}`, passwordHash: 'x', roles, country: 'BE', emailVerifiedAt: new Date() });
  return (await createApiToken(String(user._id), 'diff test')).token;
}

const copy = <Value>(value: Value): Value => structuredClone(value);
const textOf = (parts: Part[], type: Part['type']) => parts.filter((part) => part.type === type).map((part) => part.text).join('');
const changedLines = (diff: TextDiff) => diff.hunks.flatMap((hunk) => hunk.lines).filter((line) => line.type !== 'context');

beforeAll(async () => {
  app = await buildTestApp(db.database());
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
  const report = await importModules();
  expect(report.problems).toEqual([]);
  imported = await CourseVersion.find().lean();
  v100 = (await CourseVersion.findOne({ course: 'awareness', version: '1.0.0' }).lean())!;
  v110 = (await CourseVersion.findOne({ course: 'awareness', version: '1.1.0' }).lean())!;
  trainerToken = await tokenFor(['trainer']);
  stakeholderToken = await tokenFor(['stakeholder']);
  trainerWeb = await signInPersona(app, 'trainer');
  stakeholderWeb = await signInPersona(app, 'stakeholder');
  anonymousWeb = await signInPersona(app, 'anonymous');
});

beforeEach(async () => {
  await CourseVersion.deleteMany({});
  await CourseVersion.insertMany(imported);
});

describe('compareVersions', () => {
  it('finds the one rewritten and the one new lesson of awareness 1.1.0, word by word, in every language', () => {
    const result = compareVersions(v100, v110);
    const byStatus = (status: string) => result.lessons.filter((lesson) => lesson.status === status).map((lesson) => lesson.key);
    expect(byStatus('changed')).toEqual(['responding-and-referring']);
    expect(byStatus('added')).toEqual(['online-dimension']);
    expect(byStatus('removed')).toEqual([]);
    expect(byStatus('unchanged').sort()).toEqual(['signs-and-context', 'what-radicalisation-is', 'working-together-locally']);
    expect(result.summary.lessons).toEqual({ added: 1, removed: 0, changed: 1, unchanged: 3, moved: 0 });
    // Inserting a lesson shifts the one after it, which is not a move.
    const after = result.lessons.find((lesson) => lesson.key === 'working-together-locally')!;
    expect(after).toMatchObject({ moved: false, position: { before: 4, after: 5 }, languages: [] });
    expect(result.lessons.map((lesson) => lesson.key)).toEqual(v110.lessons.map((lesson) => lesson.key));

    const changed = result.lessons.find((lesson) => lesson.key === 'responding-and-referring')!;
    expect(changed.languages.map((entry) => entry.lang)).toEqual([...SUPPORTED_LANGUAGES]);
    expect(changed.languages.every((entry) => entry.status === 'changed')).toBe(true);
    for (const lang of ['en', 'de'] as const) {
      const entry = changed.languages.find((item) => item.lang === lang)!;
      const lines = changedLines(entry.body!);
      expect(lines.length).toBeGreaterThan(0);
      // Some changed lines carry their words, the differing ones marked, the rest kept.
      const paired = lines.filter((line) => line.parts);
      expect(paired.length).toBeGreaterThan(0);
      for (const line of paired) {
        expect(line.parts!.map((part) => part.text).join('')).toBe(line.text);
        expect(textOf(line.parts!, 'same').trim()).not.toBe('');
      }
      expect(paired.some((line) => line.type === 'added' && textOf(line.parts!, 'added').trim() !== '')).toBe(true);
      expect(paired.some((line) => line.type === 'removed' && textOf(line.parts!, 'removed').trim() !== '')).toBe(true);
      // Hunks show context around changes and number lines in both texts.
      for (const hunk of entry.body!.hunks) {
        expect(hunk.lines.filter((line) => line.oldNumber !== null)).toHaveLength(hunk.oldLines);
        expect(hunk.lines.filter((line) => line.newNumber !== null)).toHaveLength(hunk.newLines);
      }
    }
    const added = result.lessons.find((lesson) => lesson.key === 'online-dimension')!;
    expect(added.languages.every((entry) => entry.status === 'added' && entry.body === undefined)).toBe(true);
    expect(added.minutes.before).toBeNull();

    expect(result.summary.questions).toMatchObject({ added: 2, removed: 0 });
    expect(result.summary.changelog).toBe(true);
    expect(result.summary.languages).toEqual([...SUPPORTED_LANGUAGES]);
  });

  it('limits the detail to one language on request, and names lessons in it', () => {
    const result = compareVersions(v100, v110, { languages: ['fr'], labelLanguage: 'fr' });
    const changed = result.lessons.find((lesson) => lesson.key === 'responding-and-referring')!;
    expect(changed.languages.map((entry) => entry.lang)).toEqual(['fr']);
    expect(changed.title).toBe(v110.lessons.find((lesson) => lesson.key === 'responding-and-referring')!.content.fr!.title);
    expect(result.changelog.map((entry) => entry.lang)).toEqual(['fr']);
    // The summary still covers every language.
    expect(result.summary.languages).toHaveLength(SUPPORTED_LANGUAGES.length);
  });

  it('finds nothing between a version and itself', () => {
    const result = compareVersions(v110, copy(v110));
    expect(result.lessons.every((lesson) => lesson.status === 'unchanged' && !lesson.moved)).toBe(true);
    expect(result.questions.every((question) => question.status === 'unchanged')).toBe(true);
    expect(result.summary).toEqual({
      lessons: { added: 0, removed: 0, changed: 0, unchanged: v110.lessons.length, moved: 0 },
      questions: { added: 0, removed: 0, changed: 0, unchanged: v110.questions.length, moved: 0 },
      changelog: false,
      languages: [],
    });
  });

  it('reports a removed lesson, a moved one and a changed question with its right answers', () => {
    const newer = copy(v110);
    newer.lessons = newer.lessons.filter((lesson) => lesson.key !== 'signs-and-context');
    // The last lesson moves to the front.
    newer.lessons.unshift(newer.lessons.pop()!);
    const question = newer.questions[0]!;
    const wrong = question.optionKeys.find((key) => !question.correct.includes(key))!;
    const before = [...question.correct];
    question.correct = [wrong];
    question.text.en!.feedback = `${question.text.en!.feedback}\nA further explanation.`;

    const result = compareVersions(v110, newer);
    const removed = result.lessons.find((lesson) => lesson.key === 'signs-and-context')!;
    expect(removed).toMatchObject({ status: 'removed', position: { before: 2, after: null } });
    expect(result.lessons.map((lesson) => lesson.key).indexOf('signs-and-context')).toBe(2);
    expect(result.lessons.filter((lesson) => lesson.moved).map((lesson) => lesson.key)).toEqual(['working-together-locally']);
    expect(result.summary.lessons).toMatchObject({ removed: 1, moved: 1, changed: 0 });

    const changed = result.questions.find((entry) => entry.key === question.key)!;
    expect(changed.status).toBe('changed');
    expect(changed.correct).toEqual({ before, after: [wrong] });
    expect(changed.options).toBeNull();
    const english = changed.languages.find((entry) => entry.lang === 'en')!;
    expect(english.status).toBe('changed');
    expect(changedLines(english.feedback!)).toEqual([expect.objectContaining({ type: 'added', text: 'A further explanation.' })]);
    expect(changed.languages.find((entry) => entry.lang === 'fr')!.status).toBe('unchanged');
    expect(result.summary.questions).toMatchObject({ changed: 1, unchanged: v110.questions.length - 1 });
  });

  it('keeps the result of a huge text small', () => {
    const old = Array.from({ length: 5000 }, (_, index) => `Line ${index} of a long text.`).join('\n');
    const fresh = Array.from({ length: 5000 }, (_, index) => (index % 7 === 0 ? `Line ${index} of a changed text.` : `Line ${index} of a long text.`)).join('\n');
    const diff = diffText(old, fresh);
    expect(diff.truncated).toBe(true);
    expect(diff.hunks.reduce((sum, hunk) => sum + hunk.lines.length, 0)).toBeLessThanOrEqual(MAX_LINES);
    // Context: at most three unchanged lines before the first change.
    const small = diffText('a\nb\nc\nd\ne\nf\ng\nh', 'a\nb\nc\nd\ne\nF\ng\nh');
    expect(small.hunks).toHaveLength(1);
    expect(small.hunks[0]!.lines.map((line) => line.text)).toEqual(['c', 'd', 'e', 'f', 'F', 'g', 'h']);
    expect(small.hunks[0]).toMatchObject({ oldStart: 3, oldLines: 6, newStart: 3, newLines: 6 });
  });
});

describe('GET /api/v1/courses/:slug/diff', () => {
  const diffPath = (query: string) => `/api/v1/courses/awareness/diff?${query}`;

  it('answers with the differences, in the documented shape', async () => {
    const res = await request(app).get(diffPath('from=1.0.0&to=latest')).expect(200);
    expect(courseDiffSchema.safeParse(res.body).error?.issues).toBeUndefined();
    expect(res.body).toMatchObject({ slug: 'awareness', from: { version: '1.0.0', status: 'published' }, to: { version: '1.1.0' }, lang: null });
    expect(res.body.summary.lessons).toEqual({ added: 1, removed: 0, changed: 1, unchanged: 3, moved: 0 });

    const french = await request(app).get(diffPath('from=1.0.0&to=1.1.0&lang=fr')).expect(200);
    const lesson = french.body.lessons.find((item: { key: string }) => item.key === 'responding-and-referring');
    expect(lesson.languages.map((entry: { lang: string }) => entry.lang)).toEqual(['fr']);
  });

  it('refuses a missing, malformed or unknown query parameter with a problem', async () => {
    for (const query of ['from=1.0.0', 'from=1.0&to=1.1.0', 'from=1.0.0&to=1.1.0&lang=xx', 'from=1.0.0&to=1.1.0&colour=red', 'from=1.0.0&from=1.1.0&to=1.1.0']) {
      const res = await request(app).get(diffPath(query));
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toBe('/problems/validation');
    }
  });

  it('answers 404 for an unknown course or version', async () => {
    await request(app).get(diffPath('from=1.0.0&to=9.9.9')).expect(404);
    await request(app).get('/api/v1/courses/no-such-course/diff?from=1.0.0&to=1.1.0').expect(404);
  });

  it('shows a draft to authors only', async () => {
    const draft = await startDraft(trainer, 'awareness');
    const key = 'signs-and-context';
    const english = draft.lessons.find((lesson) => lesson.key === key)!.content.en!;
    await editLesson(trainer, 'awareness', draft.version, key, { lang: 'en', title: english.title, body: `${english.body}\n\nA new closing paragraph.`, revision: 0 });
    const query = diffPath(`from=1.1.0&to=${draft.version}`);

    await request(app).get(query).set('Authorization', `Bearer ${stakeholderToken}`).expect(404);
    await request(app).get(query).expect(404);
    const res = await request(app).get(query).set('Authorization', `Bearer ${trainerToken}`).expect(200);
    expect(res.body.to).toMatchObject({ version: draft.version, status: 'draft', publishedAt: null });
    const lesson = res.body.lessons.find((item: { key: string }) => item.key === key);
    expect(lesson.status).toBe('changed');
    const en = lesson.languages.find((entry: { lang: string }) => entry.lang === 'en');
    expect(changedLines(en.body)).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'added', text: 'A new closing paragraph.' })]));
    expect(lesson.languages.find((entry: { lang: string }) => entry.lang === 'fr').status).toBe('unchanged');
  });
});

describe('GET /authoring/:slug/diff', () => {
  const page = '/authoring/awareness/diff';

  it('shows a trainer the summary first, then the words added and removed', async () => {
    const res = await trainerWeb.agent.get(`${page}?from=1.0.0&to=1.1.0`).expect(200);
    const html = res.text;
    const summaryAt = html.indexOf('id="summary-heading"');
    const lessonsAt = html.indexOf('id="lessons-heading"');
    expect(summaryAt).toBeGreaterThan(0);
    expect(lessonsAt).toBeGreaterThan(summaryAt);
    const addedTitle = v110.lessons.find((lesson) => lesson.key === 'online-dimension')!.content.en!.title;
    const changedTitle = v110.lessons.find((lesson) => lesson.key === 'responding-and-referring')!.content.en!.title;
    const summary = html.slice(summaryAt, lessonsAt);
    expect(summary).toContain(en.summary.lessons.added_one.replace('{{count}}', '1'));
    expect(summary).toContain(escapeHtml(addedTitle));
    expect(summary).toContain(escapeHtml(changedTitle));
    expect(html).toMatch(/<ins><span class="visually-hidden" lang="en">added: <\/span>[^<]+<\/ins>/);
    expect(html).toMatch(/<del><span class="visually-hidden" lang="en">removed: <\/span>[^<]+<\/del>/);
    // Every language with changes, each marked with its language.
    expect(html).toContain('<section aria-labelledby="lesson-responding-and-referring-el" lang="el">');
    // The form, with the versions preselected.
    expect(html).toMatch(/<label for="field-from">/);
    expect(html).toMatch(/<option value="1\.0\.0" selected>/);
  });

  it('defaults to the newest version against the one before it, and narrows to one language', async () => {
    const res = await trainerWeb.agent.get(`${page}?content=fr`).expect(200);
    expect(res.text).toContain('<section aria-labelledby="lesson-responding-and-referring-fr" lang="fr">');
    expect(res.text).not.toContain('lesson-responding-and-referring-de');
    expect(res.text).toMatch(/<option value="fr" selected>/);
    const same = await trainerWeb.agent.get(`${page}?from=1.1.0&to=1.1.0`).expect(200);
    expect(same.text).toContain(escapeHtml(en.summary.none));
  });

  it('sends a signed-out visitor to sign in and refuses a stakeholder', async () => {
    const signedOut = await anonymousWeb.agent.get(page).expect(303);
    expect(signedOut.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent(page)}`);
    await stakeholderWeb.agent.get(page).expect(403);
  });

  it('shows a bad query again in the form, and 404 for an unknown version', async () => {
    const bad = await trainerWeb.agent.get(`${page}?from=nonsense`).expect(400);
    expect(bad.text).toContain('id="error-from"');
    await trainerWeb.agent.get(`${page}?from=1.0.0&to=9.9.9`).expect(404);
    await trainerWeb.agent.get('/authoring/no-such-course/diff').expect(404);
  });

  it('escapes hostile text in lessons', async () => {
    const draft = await startDraft(trainer, 'awareness');
    const key = 'signs-and-context';
    const english = draft.lessons.find((lesson) => lesson.key === key)!.content.en!;
    await editLesson(trainer, 'awareness', draft.version, key, {
      lang: 'en',
      title: `${english.title} <img src=x onerror=alert(1)>`,
      body: `${english.body}\n\n<script>alert("owned")</script>`,
      revision: 0,
    });
    const res = await trainerWeb.agent.get(`${page}?from=1.1.0&to=${draft.version}`).expect(200);
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;');
    expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('in a browser', () => {
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  it('the page has no serious or critical accessibility violations', async () => {
    const site = await listen(app);
    try {
      browser = await launchBrowser();
      const tab = await (await browser.newContext({ locale: 'en-GB' })).newPage();
      const password = 'a trainer passphrase long enough for the test';
      await User.create({ email: 'diff-browser@example.org', name: 'Browser Trainer', passwordHash: await hashPassword(password), roles: ['trainer'], country: 'BE', language: 'en', emailVerifiedAt: new Date() });
      await tab.goto(`${site.baseUrl}/authoring/awareness/diff?from=1.0.0&to=1.1.0`);
      // Sent to sign in first, then back to the page.
      await tab.getByLabel(/email/i).fill('diff-browser@example.org');
      await tab.getByLabel(/password/i).fill(password);
      await tab.locator('form button[type="submit"]').last().click();
      await tab.locator('#summary-heading').waitFor({ timeout: 15_000 });
      expect(await seriousViolations(tab)).toEqual([]);
      // The form works by keyboard and without JavaScript: choose French and submit.
      await tab.getByLabel(en.form.language).selectOption('fr');
      await tab.getByRole('button', { name: en.form.submit }).click();
      await tab.locator('#lesson-responding-and-referring-fr').waitFor({ timeout: 15_000 });
      expect(await seriousViolations(tab)).toEqual([]);
    } finally {
      await site.close();
    }
  });
});

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}
