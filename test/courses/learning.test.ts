/**
 * Learning on the web: pinning and switching versions, the knowledge check, the translation
 * fallback, and the pages for anonymous and signed-in readers, against the real module files.
 */
import type { Express } from 'express';
import request from 'supertest';
import { importModules } from '../../src/courses/import';
import { CourseVersion, type QuestionDocument } from '../../src/courses/model';
import { findProgress, markLessonDone, Progress, scoreCheck, startCourse, switchToLatest } from '../../src/courses/progress';
import { readableVersion } from '../../src/courses/published';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn } from '../support/forms';
import { signInPersona, type SignedInPersona } from '../support/personas';
import enLearning from '../../locales/en/learning.json';
import ptLearning from '../../locales/pt/learning.json';

const db = useTestDatabase(__filename);
let app: Express;
let learner: SignedInPersona;

/** Hides 1.1.0 of awareness, so a learner can start on 1.0.0 and see 1.1.0 appear. */
const setAwareness110 = (status: 'draft' | 'published') =>
  CourseVersion.updateOne({ course: 'awareness', version: '1.1.0' }, { $set: { status } });

beforeAll(async () => {
  await importModules();
  app = await buildTestApp(db.database());
});

beforeEach(async () => {
  await Progress.deleteMany({});
  await setAwareness110('published');
  learner = await signInPersona(app, 'stakeholder');
});

describe('pinning and switching', () => {
  it('pins the version started; switching keeps the unchanged lessons and drops the changed one', async () => {
    await setAwareness110('draft');
    const userId = learner.userId!;
    const progress = await startCourse(userId, 'awareness');
    expect(progress.version).toBe('1.0.0');
    const v100 = (await readableVersion('awareness', '1.0.0'))!;
    for (const key of ['what-radicalisation-is', 'responding-and-referring', 'working-together-locally']) await markLessonDone(progress, v100, key);

    await setAwareness110('published');
    // Still pinned: a newer version does not move anyone by itself.
    expect((await findProgress(userId, 'awareness'))!.version).toBe('1.0.0');
    const page = await learner.agent.get('/modules/awareness').expect(200);
    expect(page.text).toContain(enLearning.module['newer-heading'].replace('{{version}}', '1.1.0'));
    expect(page.text).toContain('online dimension');
    expect(page.text).toContain(`${enLearning.change.changed}</strong>`);
    expect(page.text).toContain(`${enLearning.change.new}</strong>`);

    await learner.agent.post('/modules/awareness/switch').type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
    const switched = (await findProgress(userId, 'awareness'))!;
    expect(switched.version).toBe('1.1.0');
    expect(switched.lessons.map((lesson) => lesson.key).sort()).toEqual(['what-radicalisation-is', 'working-together-locally']);
    // A second click (or a stale form) changes nothing.
    await switchToLatest(userId, 'awareness');
    expect((await findProgress(userId, 'awareness'))!.lessons).toHaveLength(2);
    expect((await learner.agent.get('/modules/awareness').expect(200)).text).not.toContain(enLearning.module['newer-heading'].replace('{{version}}', '1.1.0'));
  });

  it('lets a learner pinned to an archived version finish it', async () => {
    await setAwareness110('draft');
    await startCourse(learner.userId!, 'awareness');
    await setAwareness110('published');
    await CourseVersion.updateOne({ course: 'awareness', version: '1.0.0' }, { $set: { status: 'archived' } });
    try {
      const lesson = await learner.agent.get('/modules/awareness/lessons/responding-and-referring').expect(200);
      await learner.agent.post('/modules/awareness/lessons/responding-and-referring/done').type('form').send({ _csrf: csrfTokenIn(lesson.text) }).expect(303);
      const progress = (await findProgress(learner.userId!, 'awareness'))!;
      expect(progress.version).toBe('1.0.0');
      expect(progress.lessons.map((entry) => entry.key)).toEqual(['responding-and-referring']);
    } finally {
      await CourseVersion.updateOne({ course: 'awareness', version: '1.0.0' }, { $set: { status: 'published' } });
    }
  });

  it('records a lesson once when "mark as done" is clicked twice at once', async () => {
    const lesson = await learner.agent.get('/modules/awareness/lessons/signs-and-context').expect(200);
    const token = csrfTokenIn(lesson.text);
    const post = () => learner.agent.post('/modules/awareness/lessons/signs-and-context/done').type('form').send({ _csrf: token });
    const results = await Promise.all([post(), post()]);
    expect(results.map((result) => result.status)).toEqual([303, 303]);
    expect(await Progress.countDocuments({ user: learner.userId })).toBe(1);
    const progress = (await findProgress(learner.userId!, 'awareness'))!;
    expect(progress.version).toBe('1.1.0');
    expect(progress.lessons.map((entry) => entry.key)).toEqual(['signs-and-context']);
  });
});

describe('knowledge check scoring', () => {
  const question = (key: string, correct: string[]): QuestionDocument => ({ key, optionKeys: ['a', 'b', 'c', 'd'], correct, text: {} });
  const ten = Array.from({ length: 10 }, (_, index) => question(`q${index + 1}`, ['a']));

  it('passes with every answer right', () => {
    const result = scoreCheck(ten, Object.fromEntries(ten.map((entry) => [entry.key, ['a']])));
    expect(result).toMatchObject({ score: 10, total: 10, passed: true });
  });

  it('passes at exactly 70 % and fails just below', () => {
    const answers = (right: number) => Object.fromEntries(ten.map((entry, index) => [entry.key, [index < right ? 'a' : 'b']]));
    expect(scoreCheck(ten, answers(7))).toMatchObject({ score: 7, passed: true });
    expect(scoreCheck(ten, answers(6))).toMatchObject({ score: 6, passed: false });
  });

  it('needs exactly the right set on a question with several correct options', () => {
    const several = [question('q1', ['b', 'd'])];
    expect(scoreCheck(several, { q1: ['b', 'd'] }).score).toBe(1);
    expect(scoreCheck(several, { q1: ['d', 'b', 'b'] }).score).toBe(1);
    expect(scoreCheck(several, { q1: ['b'] }).score).toBe(0);
    expect(scoreCheck(several, { q1: ['a', 'b', 'd'] }).score).toBe(0);
    expect(scoreCheck(several, { q1: ['b', 'd', 'zz'] }).score).toBe(1);
    expect(scoreCheck(several, {}).score).toBe(0);
  });

  it('scores a posted check, shows score and feedback, allows retries and completes the module', async () => {
    const check = await learner.agent.get('/modules/awareness/check').expect(200);
    expect(check.text).toMatch(/<fieldset class="question">\s*<legend>/);
    expect(check.text).toContain('type="checkbox"');
    expect(check.text).toContain('type="radio"');
    const version = (await readableVersion('awareness', '1.1.0'))!;
    const wrong = await learner.agent.post('/modules/awareness/check').type('form').send({ _csrf: csrfTokenIn(check.text), 'q-q1': 'a' }).expect(303);
    expect(wrong.headers.location).toBe('/modules/awareness/check?result#result');
    const failed = await learner.agent.get(wrong.headers.location!).expect(200);
    expect(failed.text).toContain(enLearning.check.failed.replace('{{mark}}', '70'));
    expect(failed.text).toContain(enLearning.check.wrong);

    const right = Object.fromEntries(version.questions.map((entry) => [`q-${entry.key}`, entry.correct]));
    await learner.agent.post('/modules/awareness/check').type('form').send({ _csrf: csrfTokenIn(failed.text), ...right }).expect(303);
    const passed = await learner.agent.get('/modules/awareness/check?result').expect(200);
    expect(passed.text).toContain(enLearning.check.passed.replace('{{mark}}', '70'));
    let progress = (await findProgress(learner.userId!, 'awareness'))!;
    expect(progress.attempts.map((attempt) => attempt.passed)).toEqual([false, true]);
    expect(progress.completedAt).toBeUndefined();

    for (const lesson of version.lessons) await markLessonDone(progress, version, lesson.key);
    progress = (await findProgress(learner.userId!, 'awareness'))!;
    expect(progress.completedAt).toBeInstanceOf(Date);
  });
});

describe('pages', () => {
  it('shows the catalogue of the six modules in order to anyone, with progress for the signed-in', async () => {
    const anonymous = await request(app).get('/modules').expect(200);
    const order = ['awareness', 'local-strategy', 'disengagement', 'counter-narratives', 'family-support', 'schools'];
    const positions = order.map((slug) => anonymous.text.indexOf(`href="/modules/${slug}"`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(anonymous.text).not.toContain('<progress');
    expect(anonymous.text).toContain(enLearning.catalogue.version.replace('{{version}}', '1.1.0'));
    expect((await learner.agent.get('/modules').expect(200)).text).toContain('<progress');
  });

  it('shows a module page to anonymous visitors but sends them to sign in for lessons and the check', async () => {
    const page = await request(app).get('/modules/awareness').expect(200);
    expect(page.text).toContain(enLearning.module['sign-in-to-start']);
    const lesson = await request(app).get('/modules/awareness/lessons/signs-and-context').expect(303);
    expect(lesson.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent('/modules/awareness/lessons/signs-and-context')}`);
    expect((await request(app).get('/modules/awareness/check').expect(303)).headers.location).toMatch(/^\/sign-in\?returnTo=/);
  });

  it('renders a lesson with a labelled progress bar, previous/next and mark as done', async () => {
    const lesson = await learner.agent.get('/modules/awareness/lessons/signs-and-context').expect(200);
    expect(lesson.text).toMatch(/<label for="progress-awareness">/);
    expect(lesson.text).toContain('id="progress-awareness"');
    expect(lesson.text).toContain('rel="prev" href="/modules/awareness/lessons/what-radicalisation-is"');
    expect(lesson.text).toContain('rel="next" href="/modules/awareness/lessons/responding-and-referring"');
    expect(lesson.text).toContain(enLearning.lesson['mark-done']);
    expect(lesson.text).not.toContain(enLearning.lesson.fallback);
  });

  it('shows the English text with a notice in Portuguese when a lesson is not translated', async () => {
    const version = (await CourseVersion.findOne({ course: 'disengagement', status: 'published' }).lean())!;
    const key = version.lessons[0]!.key;
    expect(version.lessons[0]!.content.pt).toBeUndefined();
    const lesson = await learner.agent.get(`/modules/disengagement/lessons/${key}?lang=pt`).expect(200);
    expect(lesson.text).toContain(ptLearning.lesson.fallback);
    expect(lesson.text).toContain(`lang="en">${version.lessons[0]!.content.en!.title}`);
    // Awareness exists in Portuguese: no notice; and ?content= picks another language.
    const translated = await learner.agent.get('/modules/awareness/lessons/what-radicalisation-is?lang=pt').expect(200);
    expect(translated.text).not.toContain(ptLearning.lesson.fallback);
    expect(translated.text).toContain('O que é a radicalização');
    const chosen = await learner.agent.get('/modules/disengagement/lessons/' + key + '?lang=pt&content=fr').expect(200);
    expect(chosen.text).toContain(`lang="fr">${version.lessons[0]!.content.fr!.title}`);
    expect(chosen.text).toContain(ptLearning.lesson['content-language']);
    expect(chosen.text).toMatch(/<option value="fr" lang="fr" selected>/);
  });

  it('strips a script stored in a lesson', async () => {
    const version = (await CourseVersion.findOne({ course: 'schools', status: 'published' }).lean())!;
    const key = version.lessons[0]!.key;
    const original = version.lessons[0]!.content.en!.body;
    await CourseVersion.updateOne({ _id: version._id }, { $set: { 'lessons.0.content.en.body': `${original}\n\n<script>alert('stored')</script>\n\n[x](javascript:alert(1))` } });
    try {
      const lesson = await learner.agent.get(`/modules/schools/lessons/${key}?lang=en`).expect(200);
      expect(lesson.text).not.toContain("<script>alert('stored')");
      expect(lesson.text).not.toMatch(/href="javascript:/);
    } finally {
      await CourseVersion.updateOne({ _id: version._id }, { $set: { 'lessons.0.content.en.body': original } });
    }
  });

  it('answers 404 for unknown or malformed slugs and keys', async () => {
    await request(app).get('/modules/nope').expect(404);
    await request(app).get('/modules/%24where').expect(404);
    await request(app).get('/modules/' + 'a'.repeat(300)).expect(404);
    await learner.agent.get('/modules/awareness/lessons/nope').expect(404);
    await learner.agent.get('/modules/awareness/lessons/%7B%22%24ne%22%3A1%7D').expect(404);
    await learner.agent.get('/modules/nope/check').expect(404);
    const page = await learner.agent.get('/modules/awareness').expect(200);
    await learner.agent.post('/modules/awareness/lessons/nope/done').type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(404);
    await learner.agent.post('/modules/nope/start').type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(404);
  });

  it('refuses the POSTs without a CSRF token', async () => {
    for (const path of ['/modules/awareness/start', '/modules/awareness/switch', '/modules/awareness/lessons/signs-and-context/done', '/modules/awareness/check']) {
      await learner.agent.post(path).type('form').send({}).expect(403);
    }
    expect(await Progress.countDocuments({ user: learner.userId })).toBe(0);
  });

  it('starts a module once, and the start button gives way to continue', async () => {
    const page = await learner.agent.get('/modules/awareness').expect(200);
    expect(page.text).toContain(enLearning.module.start);
    await learner.agent.post('/modules/awareness/start').type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
    await learner.agent.post('/modules/awareness/start').type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
    expect(await Progress.countDocuments({ user: learner.userId })).toBe(1);
    expect((await learner.agent.get('/modules/awareness').expect(200)).text).toContain(enLearning.module.continue);
  });
});
