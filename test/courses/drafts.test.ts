/**
 * Editing a draft beyond a lesson's text (issue 4, point 5): adding, removing and ordering
 * lessons, the knowledge check, the changelog; two editors never overwrite each other, whatever
 * the operations they race with; and the translation status authors read.
 */
import type { Express } from 'express';
import request from 'supertest';
import { createApiToken } from '../../src/accounts/api-token';
import { User } from '../../src/accounts/model';
import { addLesson, editChangelog, editCheck, keyFromTitle, moveLesson, type QuestionInput, removeLesson, reorderLessons } from '../../src/courses/drafts';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion, type CourseVersionDocument } from '../../src/courses/model';
import { completenessOf, publish, startDraft, translationStatusOf } from '../../src/courses/versions';
import { buildTestApp } from '../support/app';
import { actor, refusal } from '../support/course-authors';
import { useTestDatabase } from '../support/database';

const db = useTestDatabase(__filename);
let app: Express;
const trainer = actor(['trainer']);
const coordinator = actor(['coordinator']);
const stakeholder = actor(['stakeholder']);

beforeAll(async () => {
  app = await buildTestApp(db.database());
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
  expect((await importModules()).problems).toEqual([]);
});

/** Each test on a fresh draft of `schools` (1.1.0, a copy of 1.0.0: en and fr). */
let draft: CourseVersionDocument;
beforeEach(async () => {
  await CourseVersion.deleteMany({ status: 'draft' });
  draft = await startDraft(trainer, 'schools');
});

const keys = (version: CourseVersionDocument) => version.lessons.map((lesson) => lesson.key);

/** The check of the draft as the editor shows it, in one language. */
function checkIn(version: CourseVersionDocument, lang: 'en' | 'fr'): QuestionInput[] {
  return version.questions.map((question) => ({
    key: question.key,
    prompt: question.text[lang]!.prompt,
    options: question.optionKeys.map((key) => ({ key, text: question.text[lang]!.options[key]! })),
    correct: question.correct,
    feedback: question.text[lang]!.feedback,
  }));
}

describe('lessons', () => {
  it('adds a lesson where asked, keyed from its title, written in one language first', async () => {
    const { draft: saved, key } = await addLesson(coordinator, 'schools', draft.version, {
      lang: 'fr',
      title: 'Élèves et réseaux sociaux : un premier échange',
      body: 'Un texte.',
      minutes: 15,
      position: 1,
      revision: 0,
    });
    expect(key).toBe('eleves-et-reseaux-sociaux-un-premier-echange');
    expect(keys(saved)[1]).toBe(key);
    expect(saved.revision).toBe(1);
    // Not yet in English: publishing waits for it, and English readers are not shown an empty lesson.
    expect(await refusal(publish(trainer, 'schools', draft.version, { changelog: 'New lesson.' }))).toEqual({ status: 409, code: 'english-incomplete' });
    expect(completenessOf(saved).fr).toBeGreaterThan(completenessOf(saved).en);
  });

  it('keys never collide, and fall back to a generic key for titles in other scripts', () => {
    expect(keyFromTitle('School climate', ['school-climate'])).toBe('school-climate-2');
    expect(keyFromTitle('Σχολικό κλίμα', ['lesson'])).toBe('lesson-2');
  });

  it('refuses a key already used, naming the field', async () => {
    const taken = draft.lessons[0]!.key;
    await expect(addLesson(trainer, 'schools', draft.version, { lang: 'en', title: 'T', body: 'B', minutes: 5, key: taken, revision: 0 })).rejects.toMatchObject({
      status: 400,
      fieldErrors: [{ path: 'key', key: 'courses:errors.key-taken' }],
    });
    expect((await CourseVersion.findById(draft._id).lean())!.revision).toBe(0);
  });

  it('removes a lesson in every language, but never the last one', async () => {
    let saved = await removeLesson(trainer, 'schools', draft.version, draft.lessons[0]!.key, 0);
    expect(keys(saved)).toEqual(keys(draft).slice(1));
    for (const key of keys(saved).slice(1)) saved = await removeLesson(trainer, 'schools', draft.version, key, saved.revision);
    expect(saved.lessons).toHaveLength(1);
    expect(await refusal(removeLesson(trainer, 'schools', draft.version, saved.lessons[0]!.key, saved.revision))).toEqual({ status: 409, code: 'last-lesson' });
    expect(await refusal(removeLesson(trainer, 'schools', draft.version, 'no-such-lesson', saved.revision))).toEqual({ status: 404, code: 'not-found' });
  });

  it('orders lessons by a full list of keys, or one place at a time', async () => {
    const reversed = [...keys(draft)].reverse();
    const saved = await reorderLessons(trainer, 'schools', draft.version, reversed, 0);
    expect(keys(saved)).toEqual(reversed);
    await expect(reorderLessons(trainer, 'schools', draft.version, reversed.slice(1), 1)).rejects.toMatchObject({ status: 400, fieldErrors: [{ path: 'order' }] });
    await expect(reorderLessons(trainer, 'schools', draft.version, [...reversed.slice(1), reversed[1]!], 1)).rejects.toMatchObject({ status: 400 });
    const moved = await moveLesson(trainer, 'schools', draft.version, reversed[1]!, 'up', 1);
    expect(keys(moved).slice(0, 2)).toEqual([reversed[1], reversed[0]]);
    // The first lesson cannot go further up: nothing changes but the revision.
    expect(keys(await moveLesson(trainer, 'schools', draft.version, reversed[1]!, 'up', 2))).toEqual(keys(moved));
  });

  it('never lets two editors overwrite each other, whatever the operations they race with', async () => {
    const [first, second] = keys(draft);
    const outcomes = await Promise.allSettled([
      removeLesson(trainer, 'schools', draft.version, first!, 0),
      addLesson(coordinator, 'schools', draft.version, { lang: 'en', title: 'Racing', body: 'B', minutes: 5, revision: 0 }),
      moveLesson(trainer, 'schools', draft.version, second!, 'up', 0),
      editChangelog(coordinator, 'schools', draft.version, 'en', 'Racing changelog.', 0),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((entry) => entry.status === 'rejected')) expect(outcome.reason).toMatchObject({ status: 409, code: 'stale-revision' });
    expect((await CourseVersion.findById(draft._id).lean())!.revision).toBe(1);
  });

  it('refuses non-authors and published versions', async () => {
    expect(await refusal(removeLesson(stakeholder, 'schools', draft.version, draft.lessons[0]!.key, 0))).toEqual({ status: 403, code: 'forbidden' });
    expect(await refusal(reorderLessons(trainer, 'schools', '1.0.0', keys(draft), 0))).toEqual({ status: 409, code: 'immutable' });
  });
});

describe('the knowledge check', () => {
  it('changes structure for every language and text for one, keeping the other languages’ text that still applies', async () => {
    const english = checkIn(draft, 'en');
    const [first, ...rest] = english;
    const changed: QuestionInput[] = [
      { ...first!, prompt: 'A sharper prompt?', options: [...first!.options, { key: 'e', text: 'A new option' }] },
      ...rest.slice(0, -1),
      { key: 'new-question', prompt: 'What is the pass mark?', options: [{ key: 'a', text: '50 %' }, { key: 'b', text: '70 %' }], correct: ['b'], feedback: 'Seventy per cent.' },
    ];
    const saved = await editCheck(coordinator, 'schools', draft.version, { lang: 'en', questions: changed, revision: 0 });
    expect(saved.questions.map((question) => question.key)).toEqual(changed.map((question) => question.key));
    const edited = saved.questions[0]!;
    expect(edited.text.en!.prompt).toBe('A sharper prompt?');
    expect(edited.optionKeys).toContain('e');
    // French keeps its text for the options that remain; the new option awaits a translation.
    expect(edited.text.fr!.prompt).toBe(draft.questions[0]!.text.fr!.prompt);
    expect(edited.text.fr!.options.e).toBeUndefined();
    expect(saved.questions.at(-1)!.text.fr).toBeUndefined();
    const status = translationStatusOf(saved).find((entry) => entry.lang === 'fr')!;
    expect(status.questions.filter((question) => !question.present).map((question) => question.key)).toEqual([edited.key, 'new-question']);
    expect(status.share).toBeLessThan(1);
    expect(translationStatusOf(saved).find((entry) => entry.lang === 'en')!.share).toBe(1);
  });

  it('refuses a correct answer that is not an option, and duplicate keys, saving nothing', async () => {
    const english = checkIn(draft, 'en');
    const wrong = [{ ...english[0]!, correct: ['zz'] }, { ...english[1]!, key: english[2]!.key }, ...english.slice(2)];
    await expect(editCheck(trainer, 'schools', draft.version, { lang: 'en', questions: wrong, revision: 0 })).rejects.toMatchObject({
      status: 400,
      fieldErrors: [
        { path: 'questions.0.correct', key: 'courses:errors.correct-not-option' },
        { path: 'questions.2.key', key: 'courses:errors.key-taken' },
      ],
    });
    expect((await CourseVersion.findById(draft._id).lean())!.questions).toEqual(draft.questions);
  });

  it('must keep at least five questions to be published', async () => {
    const saved = await editCheck(trainer, 'schools', draft.version, { lang: 'en', questions: checkIn(draft, 'en').slice(0, 4), revision: 0 });
    await expect(publish(trainer, 'schools', saved.version, { changelog: 'Shorter check.' })).rejects.toMatchObject({ status: 409, code: 'english-incomplete', fieldErrors: [{ path: 'questions' }] });
  });
});

describe('the changelog and the translation status', () => {
  it('sets and removes the changelog per language; the status counts it once English has one', async () => {
    let saved = await editChangelog(trainer, 'schools', draft.version, 'en', 'A new case study.', 0);
    expect(translationStatusOf(saved).find((entry) => entry.lang === 'fr')!.changelog).toBe(false);
    saved = await editChangelog(trainer, 'schools', draft.version, 'fr', 'Une nouvelle étude de cas.', 1);
    expect(saved.changelog).toEqual({ en: 'A new case study.', fr: 'Une nouvelle étude de cas.' });
    expect(completenessOf(saved)).toMatchObject({ en: 1, fr: 1 });
    saved = await editChangelog(trainer, 'schools', draft.version, 'fr', '   ', 2);
    expect(saved.changelog).toEqual({ en: 'A new case study.' });
    expect(completenessOf(saved).fr).toBeLessThan(1);
  });
});

describe('through the API', () => {
  it('adds, orders and removes lessons, localising the reasons for refusal', async () => {
    const user = await User.create({ email: 'api-author@example.org', name: 'Author', passwordHash: 'x', roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
    const { token } = await createApiToken(String(user._id), 'drafts test');
    const at = `/api/v1/courses/schools/versions/${draft.version}`;
    const auth = { Authorization: `Bearer ${token}` };
    const added = await request(app).post(`${at}/lessons`).set(auth).send({ lang: 'en', title: 'Online spaces', body: 'Text.', minutes: 10, revision: 0 }).expect(201);
    expect(added.headers.location).toBe(`${at}/lessons/online-spaces`);
    const order = [added.body.lesson.key, ...keys(draft)];
    const ordered = await request(app).put(`${at}/order`).set(auth).send({ order, revision: 1 }).expect(200);
    expect(ordered.body.lessons.map((lesson: { key: string }) => lesson.key)).toEqual(order);
    const stale = await request(app).put(`${at}/order`).set(auth).set('Accept-Language', 'fr').send({ order, revision: 1 }).expect(409);
    expect(stale.body.errors[0].message).not.toMatch(/someone else/);
    expect(stale.body.errors[0].message.length).toBeGreaterThan(10);
    await request(app).delete(`${at}/lessons/online-spaces?revision=2`).set(auth).expect(200);
    // A value of the wrong type is called invalid, not missing.
    const wrongType = await request(app).post(`${at}/lessons`).set(auth).send({ lang: 'en', title: 5, body: 'B', minutes: 5, revision: 3 }).expect(400);
    expect(wrongType.body.errors).toEqual([{ path: 'title', message: 'This value is not valid.' }]);
    const bad = await request(app).post(`${at}/lessons`).set(auth).send({ lang: 'en', title: 'T', body: 'B', minutes: 5, key: 'Not A Key', revision: 3 }).expect(400);
    expect(bad.body.errors[0].path).toBe('key');
  });
});
