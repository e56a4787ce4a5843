/**
 * The versioning rules (issue 4): drafts from the latest published version, at most one per
 * course, edits under a revision guard, publishing only newer and complete-in-English drafts,
 * published versions immutable through the service, the API and the importer; and the read API.
 */
import type { Express } from 'express';
import request from 'supertest';
import { createApiToken } from '../../src/accounts/api-token';
import { type Role, User } from '../../src/accounts/model';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion } from '../../src/courses/model';
import { editLesson } from '../../src/courses/drafts';
import { archive, completenessOf, getVersion, listCourses, nextMinor, publish, startDraft } from '../../src/courses/versions';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages';
import { buildTestApp } from '../support/app';
import { actor, refusal } from '../support/course-authors';
import { useTestDatabase } from '../support/database';

const db = useTestDatabase(__filename);
let app: Express;

let serial = 0;
const trainer = actor(['trainer']);
const coordinator = actor(['coordinator']);
const stakeholder = actor(['stakeholder']);

/** A real account with an API token, for the requests. */
async function tokenFor(roles: Role[]): Promise<string> {
  serial += 1;
  const user = await User.create({ email: `api-${serial}@example.org`, name: `Api ${serial}`, passwordHash: 'x', roles, country: 'BE', emailVerifiedAt: new Date() });
  return (await createApiToken(String(user._id), 'versions test')).token;
}
let trainerToken: string;
let stakeholderToken: string;

const api = (path: string) => `/api/v1${path}`;

beforeAll(async () => {
  app = await buildTestApp(db.database());
  trainerToken = await tokenFor(['trainer']);
  stakeholderToken = await tokenFor(['stakeholder']);
});

/** The imported versions, put back before each test (quicker than importing again). */
let imported: unknown[] = [];
beforeAll(async () => {
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
  const report = await importModules();
  expect(report.problems).toEqual([]);
  imported = await CourseVersion.find().lean();
});

beforeEach(async () => {
  await CourseVersion.deleteMany({});
  await CourseVersion.insertMany(imported);
});

describe('drafts', () => {
  it('copy the latest published version into the next minor version', async () => {
    const draft = await startDraft(trainer, 'awareness');
    const latest = await CourseVersion.findOne({ course: 'awareness', version: '1.1.0' }).lean();
    expect(draft).toMatchObject({ course: 'awareness', version: '1.2.0', status: 'draft', source: 'web', revision: 0 });
    expect(draft.lessons).toEqual(latest!.lessons);
    expect(draft.questions).toEqual(latest!.questions);
    expect(draft.publishedAt).toBeUndefined();
    expect(nextMinor('1.9.3')).toBe('1.10.0');
  });

  it('are at most one per course, even when started at the same moment', async () => {
    const attempts = await Promise.allSettled(Array.from({ length: 6 }, (_, index) => startDraft(index % 2 ? trainer : coordinator, 'disengagement')));
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    for (const attempt of attempts.filter((item) => item.status === 'rejected')) {
      expect((attempt as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'draft-exists' });
    }
    expect(await CourseVersion.countDocuments({ course: 'disengagement', status: 'draft' })).toBe(1);
    expect(await refusal(startDraft(coordinator, 'disengagement'))).toEqual({ status: 409, code: 'draft-exists' });
  });

  it('are for authors only, and for courses that exist', async () => {
    expect(await refusal(startDraft(stakeholder, 'awareness'))).toEqual({ status: 403, code: 'forbidden' });
    expect(await refusal(startDraft(undefined, 'awareness'))).toEqual({ status: 403, code: 'forbidden' });
    expect(await refusal(startDraft(trainer, 'no-such-course'))).toEqual({ status: 404, code: 'not-found' });
  });
});

describe('editing a draft lesson', () => {
  it('bumps the revision, and the content hash only when the English text changes', async () => {
    const draft = await startDraft(trainer, 'schools');
    const before = draft.lessons.find((lesson) => lesson.key === 'school-climate')!;
    const french = await editLesson(trainer, 'schools', draft.version, 'school-climate', { lang: 'fr', title: 'Climat scolaire', body: 'Un texte revu.', revision: 0 });
    expect(french.revision).toBe(1);
    expect(french.lessons.find((lesson) => lesson.key === 'school-climate')!.contentHash).toBe(before.contentHash);

    const english = await editLesson(coordinator, 'schools', draft.version, 'school-climate', { lang: 'en', title: 'School climate', body: 'A revised text.', minutes: 25, revision: 1 });
    const changed = english.lessons.find((lesson) => lesson.key === 'school-climate')!;
    expect(english.revision).toBe(2);
    expect(changed.contentHash).not.toBe(before.contentHash);
    expect(changed).toMatchObject({ minutes: 25, content: { en: { title: 'School climate', body: 'A revised text.' }, fr: { title: 'Climat scolaire' } } });
    // The other lessons keep their hashes: learners keep their completion of them.
    const others = (lessons: typeof draft.lessons) => lessons.filter((lesson) => lesson.key !== 'school-climate').map((lesson) => lesson.contentHash);
    expect(others(english.lessons)).toEqual(others(draft.lessons));
  });

  it('refuses a stale revision: two editors do not overwrite each other', async () => {
    const draft = await startDraft(trainer, 'schools');
    // Four editors who all opened revision 0 save at the same moment.
    const titles = ['First', 'Second', 'Third', 'Fourth'];
    const outcomes = await Promise.allSettled(
      titles.map((title, index) => editLesson(index % 2 ? coordinator : trainer, 'schools', draft.version, 'school-climate', { lang: 'en', title, body: `${title} editor.`, revision: 0 })),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const refused of outcomes.filter((outcome) => outcome.status === 'rejected')) {
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'stale-revision' });
    }
    const saved = await CourseVersion.findById(draft._id).lean();
    expect(saved!.revision).toBe(1);
    const winner = titles[outcomes.findIndex((outcome) => outcome.status === 'fulfilled')];
    expect(saved!.lessons.find((lesson) => lesson.key === 'school-climate')!.content.en!.title).toBe(winner);
    // The next edit, from the revision the winner got, goes through.
    await editLesson(trainer, 'schools', draft.version, 'school-climate', { lang: 'en', title: 'Fifth', body: 'Fifth editor.', revision: 1 });
  });

  it('refuses published and archived versions, unknown lessons and non-authors', async () => {
    const before = await CourseVersion.findOne({ course: 'awareness', version: '1.0.0' }).lean();
    const edit = { lang: 'en' as const, title: 'Changed', body: 'Changed.', revision: 0 };
    expect(await refusal(editLesson(trainer, 'awareness', '1.0.0', 'signs-and-context', edit))).toEqual({ status: 409, code: 'immutable' });
    await CourseVersion.updateOne({ course: 'awareness', version: '1.0.0' }, { $set: { status: 'archived' } });
    expect(await refusal(editLesson(trainer, 'awareness', '1.0.0', 'signs-and-context', edit))).toEqual({ status: 409, code: 'immutable' });
    const after = await CourseVersion.findOne({ course: 'awareness', version: '1.0.0' }).lean();
    expect(after!.lessons).toEqual(before!.lessons);

    const draft = await startDraft(trainer, 'awareness');
    expect(await refusal(editLesson(trainer, 'awareness', draft.version, 'no-such-lesson', edit))).toEqual({ status: 404, code: 'not-found' });
    expect(await refusal(editLesson(stakeholder, 'awareness', draft.version, 'signs-and-context', edit))).toEqual({ status: 403, code: 'forbidden' });
    expect(await refusal(editLesson(trainer, 'awareness', '9.9.9', 'signs-and-context', edit))).toEqual({ status: 404, code: 'not-found' });
  });
});

describe('publishing', () => {
  it('publishes a complete, newer draft, which becomes the latest and then cannot change', async () => {
    const draft = await startDraft(trainer, 'awareness');
    const published = await publish(coordinator, 'awareness', draft.version, { changelog: 'Clarified the first lesson.' });
    expect(published).toMatchObject({ version: '1.2.0', status: 'published', changelog: { en: 'Clarified the first lesson.' } });
    expect(published.publishedAt).toBeInstanceOf(Date);
    expect((await getVersion(undefined, 'awareness', 'latest')).version).toBe('1.2.0');

    expect(await refusal(publish(coordinator, 'awareness', '1.2.0', { changelog: 'Again.' }))).toEqual({ status: 409, code: 'immutable' });
    expect(await refusal(editLesson(trainer, 'awareness', '1.2.0', 'signs-and-context', { lang: 'en', title: 'T', body: 'B', revision: published.revision }))).toEqual({
      status: 409,
      code: 'immutable',
    });
  });

  it('refuses a draft that is not newer than the latest published version', async () => {
    const latest = await CourseVersion.findOne({ course: 'awareness', version: '1.1.0' }).lean();
    // A draft numbered below the latest (as an older editor or a hand-made one could leave).
    await CourseVersion.create({ ...latest, _id: undefined, version: '1.0.5', versionKey: '000001.000000.000005', status: 'draft', publishedAt: undefined, source: 'web', files: [] });
    expect(await refusal(publish(trainer, 'awareness', '1.0.5', { changelog: 'Older.' }))).toEqual({ status: 409, code: 'not-newer' });
    expect((await CourseVersion.findOne({ course: 'awareness', version: '1.0.5' }).lean())!.status).toBe('draft');
  });

  it('refuses a draft whose English content is incomplete (changelog included)', async () => {
    const draft = await startDraft(trainer, 'schools');
    expect(await refusal(publish(trainer, 'schools', draft.version, {}))).toEqual({ status: 409, code: 'english-incomplete' });
    const lessons = draft.lessons.map((lesson, index) => (index === 0 ? { ...lesson, content: { fr: lesson.content.fr! } } : lesson));
    await CourseVersion.updateOne({ _id: draft._id }, { $set: { lessons } });
    try {
      await publish(trainer, 'schools', draft.version, { changelog: 'New.' });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toMatchObject({ status: 409, code: 'english-incomplete', fieldErrors: [{ path: `lessons.${lessons[0]!.key}` }] });
    }
    expect(await refusal(publish(stakeholder, 'schools', draft.version, { changelog: 'New.' }))).toEqual({ status: 403, code: 'forbidden' });
  });
});

describe('archiving', () => {
  it('retires a published version, which stays readable for those pinned to it', async () => {
    // The latest published version is what new learners start: it stays until a newer one is out.
    expect(await refusal(archive(coordinator, 'awareness', '1.1.0'))).toEqual({ status: 409, code: 'latest-published' });
    expect(await archive(coordinator, 'awareness', '1.0.0')).toMatchObject({ status: 'archived' });
    expect((await getVersion(undefined, 'awareness', '1.0.0')).status).toBe('archived');
    const res = await request(app).get(api('/courses/awareness/versions/1.0.0')).expect(200);
    expect(res.body.status).toBe('archived');
    expect((await getVersion(undefined, 'awareness', 'latest')).version).toBe('1.1.0');
    expect(await refusal(archive(coordinator, 'awareness', '1.0.0'))).toEqual({ status: 409, code: 'not-published' });
    expect(await refusal(archive(stakeholder, 'awareness', '1.1.0'))).toEqual({ status: 403, code: 'forbidden' });
    expect(await refusal(archive(coordinator, 'awareness', '7.0.0'))).toEqual({ status: 404, code: 'not-found' });
    // A new draft is numbered after every released version.
    expect((await startDraft(trainer, 'awareness')).version).toBe('1.2.0');
  });
});

describe('translation completeness', () => {
  it('is 1 in all eleven languages for awareness, and for schools 1 in en and fr, 0 in pt', async () => {
    const awareness = await getVersion(undefined, 'awareness', 'latest');
    expect(completenessOf(awareness)).toEqual(Object.fromEntries(SUPPORTED_LANGUAGES.map((lang) => [lang, 1])));
    const schools = completenessOf(await getVersion(undefined, 'schools', 'latest'));
    expect(schools).toMatchObject({ en: 1, fr: 1, pt: 0 });
  });

  it('drops when a draft gains a lesson text in one language only', async () => {
    const draft = await startDraft(trainer, 'schools');
    await editLesson(trainer, 'schools', draft.version, 'school-climate', { lang: 'pt', title: 'Clima escolar', body: 'Um texto.', revision: 0 });
    const units = draft.lessons.length + draft.questions.length;
    const completeness = completenessOf((await CourseVersion.findById(draft._id).lean())!);
    expect(completeness.pt).toBeCloseTo(1 / units, 2);
    expect(completeness.en).toBe(1);
  });
});

describe('the API', () => {
  it('lists the six modules, localised, with versions and complete languages', async () => {
    const res = await request(app).get(api('/courses?lang=fr')).expect(200);
    expect(res.body).toMatchObject({ total: 6, page: 1, lang: 'fr' });
    expect(res.body.items.map((item: { slug: string }) => item.slug)).toEqual(['awareness', 'local-strategy', 'disengagement', 'counter-narratives', 'family-support', 'schools']);
    const [awareness] = res.body.items;
    const french = await Course.findById('awareness').lean();
    expect(awareness).toMatchObject({ title: french!.title.fr, latestVersion: '1.1.0', order: 1 });
    expect(awareness.versions.map((version: { version: string }) => version.version)).toEqual(['1.1.0', '1.0.0']);
    expect(awareness.languages).toEqual([...SUPPORTED_LANGUAGES]);
    const schools = res.body.items.find((item: { slug: string }) => item.slug === 'schools');
    expect(schools.languages).toEqual(expect.arrayContaining(['en', 'fr']));
    expect(schools.languages).not.toContain('pt');
  });

  it('shows drafts in the list to authors only', async () => {
    await startDraft(trainer, 'awareness');
    const versionsSeen = async (token?: string) => {
      let call = request(app).get(api('/courses'));
      if (token) call = call.set('Authorization', `Bearer ${token}`);
      const res = await call.expect(200);
      return res.body.items[0].versions.map((version: { status: string }) => version.status);
    };
    expect(await versionsSeen(trainerToken)).toEqual(['draft', 'published', 'published']);
    expect(await versionsSeen(stakeholderToken)).toEqual(['published', 'published']);
    expect(await versionsSeen()).toEqual(['published', 'published']);
  });

  it('reads `latest` in the language asked for, with its completeness', async () => {
    const res = await request(app).get(api('/courses/awareness/versions/latest?lang=pt')).expect(200);
    expect(res.body).toMatchObject({ slug: 'awareness', version: '1.1.0', status: 'published', lang: 'pt' });
    const stored = await CourseVersion.findOne({ course: 'awareness', version: '1.1.0' }).lean();
    expect(res.body.lessons[0]).toEqual({ key: stored!.lessons[0]!.key, title: stored!.lessons[0]!.content.pt!.title, body: stored!.lessons[0]!.content.pt!.body, minutes: stored!.lessons[0]!.minutes });
    expect(res.body.changelog).toBe(stored!.changelog.pt);
    expect(res.body.completeness.pt).toBe(1);

    // Schools has no Portuguese lessons: served in English, and says so.
    const schools = await request(app).get(api('/courses/schools/versions/latest?lang=pt')).expect(200);
    expect(schools.body.lang).toBe('en');
    expect(schools.body.completeness).toMatchObject({ en: 1, fr: 1, pt: 0 });
    const french = await request(app).get(api('/courses/schools/versions/1.0.0?lang=fr')).expect(200);
    expect(french.body.lang).toBe('fr');
  });

  it('never shows the right answers or feedback to learners; authors get them', async () => {
    for (const token of [undefined, stakeholderToken]) {
      let call = request(app).get(api('/courses/awareness/versions/latest'));
      if (token) call = call.set('Authorization', `Bearer ${token}`);
      const res = await call.expect(200);
      expect(res.body.quiz.questions.length).toBeGreaterThanOrEqual(5);
      expect(res.text).not.toMatch(/"correct"|"feedback"/);
      expect(res.body.quiz.questions[0]).toEqual({ key: expect.any(String), prompt: expect.any(String), options: expect.any(Array) });
      expect(res.body).not.toHaveProperty('revision');
    }
    const author = await request(app).get(api('/courses/awareness/versions/latest')).set('Authorization', `Bearer ${trainerToken}`).expect(200);
    const stored = await CourseVersion.findOne({ course: 'awareness', version: '1.1.0' }).lean();
    expect(author.body.quiz.questions[0].correct).toEqual(stored!.questions[0]!.correct);
  });

  it('hides drafts from learners, and answers 404 for unknown courses and versions', async () => {
    const draft = await startDraft(trainer, 'awareness');
    const path = api(`/courses/awareness/versions/${draft.version}`);
    await request(app).get(path).expect(404);
    await request(app).get(path).set('Authorization', `Bearer ${stakeholderToken}`).expect(404);
    const seen = await request(app).get(path).set('Authorization', `Bearer ${trainerToken}`).expect(200);
    expect(seen.body).toMatchObject({ status: 'draft', revision: 0, publishedAt: null });
    for (const unknown of ['/courses/nothing/versions/latest', '/courses/awareness/versions/9.9.9', '/courses/awareness/versions/v1', '/courses/awareness/versions/%24ne']) {
      const res = await request(app).get(api(unknown)).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    await request(app).get(api('/courses?lang=xx')).expect(400);
    await request(app).get(api('/courses/awareness/versions/latest?extra=1')).expect(400);
  });

  it('runs a draft through its life: start, edit with the revision, stale edit, publish', async () => {
    const auth = { Authorization: `Bearer ${trainerToken}` };
    const started = await request(app).post(api('/courses/awareness/versions')).set(auth).expect(201);
    expect(started.body).toMatchObject({ version: '1.2.0', status: 'draft', revision: 0 });
    await request(app).post(api('/courses/awareness/versions')).set(auth).expect(409);

    const path = api('/courses/awareness/versions/1.2.0/lessons/signs-and-context');
    const saved = await request(app).put(path).set(auth).send({ lang: 'en', title: 'Signs in context', body: 'A new text.', minutes: 20, revision: 0 }).expect(200);
    expect(saved.body).toEqual({ slug: 'awareness', version: '1.2.0', revision: 1, lesson: { key: 'signs-and-context', lang: 'en', title: 'Signs in context', body: 'A new text.', minutes: 20 } });
    const stale = await request(app).put(path).set(auth).send({ lang: 'en', title: 'Overwrite', body: 'Lost?', revision: 0 }).expect(409);
    expect(stale.body.type).toMatch(/\/stale-revision$/);
    expect(stale.body.errors).toEqual([{ path: 'revision', message: expect.stringMatching(/^Someone else saved this draft/) }]);
    // In the reader's language, and the text that was not saved stays with the editor.
    const staleInFrench = await request(app).put(`${path}?lang=fr`).set(auth).send({ lang: 'en', title: 'Overwrite', body: 'Lost?', revision: 0 }).expect(409);
    expect(staleInFrench.body.errors[0].message).toMatch(/^Quelqu’un d’autre a enregistré ce brouillon/);
    expect((await CourseVersion.findOne({ course: 'awareness', version: '1.2.0' }).lean())!.lessons.find((lesson) => lesson.key === 'signs-and-context')!.content.en!.title).toBe('Signs in context');
    const invalid = await request(app).put(path).set(auth).send({ lang: 'en', title: '', body: 'x' }).expect(400);
    expect(invalid.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['revision', 'title']);

    const published = await request(app).post(api('/courses/awareness/versions/1.2.0/publish')).set(auth).send({ changelog: { en: 'Rewrote a lesson.', fr: 'Leçon réécrite.' } }).expect(200);
    expect(published.body).toMatchObject({ version: '1.2.0', status: 'published', changelog: 'Rewrote a lesson.' });
    const latest = await request(app).get(api('/courses/awareness/versions/latest')).expect(200);
    expect(latest.body.lessons.find((lesson: { key: string }) => lesson.key === 'signs-and-context').title).toBe('Signs in context');
  });

  it('keeps published versions immutable through the API', async () => {
    const auth = { Authorization: `Bearer ${trainerToken}` };
    const before = await CourseVersion.findOne({ course: 'awareness', version: '1.1.0' }).lean();
    const edit = await request(app).put(api('/courses/awareness/versions/1.1.0/lessons/signs-and-context')).set(auth).send({ lang: 'en', title: 'Changed', body: 'Changed.', revision: before!.revision }).expect(409);
    expect(edit.body.type).toMatch(/\/immutable$/);
    const again = await request(app).post(api('/courses/awareness/versions/1.1.0/publish')).set(auth).send({}).expect(409);
    expect(again.body.type).toMatch(/\/immutable$/);
    const after = await CourseVersion.findOne({ course: 'awareness', version: '1.1.0' }).lean();
    expect(after).toEqual(before);
    // And the importer, run again, neither changes it nor refuses anything unchanged.
    const report = await importModules();
    expect(report.refused).toEqual([]);
    expect(await CourseVersion.findOne({ course: 'awareness', version: '1.1.0' }).lean()).toEqual(before);
  });

  it('refuses writes without a token (401), from stakeholders (403), and to unknown things (404)', async () => {
    await request(app).post(api('/courses/awareness/versions')).expect(401);
    await request(app).put(api('/courses/awareness/versions/1.1.0/lessons/signs-and-context')).send({}).expect(401);
    await request(app).post(api('/courses/awareness/versions/1.1.0/publish')).send({}).expect(401);
    const asStakeholder = { Authorization: `Bearer ${stakeholderToken}` };
    await request(app).post(api('/courses/awareness/versions')).set(asStakeholder).expect(403);
    await request(app).put(api('/courses/awareness/versions/1.1.0/lessons/signs-and-context')).set(asStakeholder).send({ lang: 'en', title: 'T', body: 'B', revision: 0 }).expect(403);
    await request(app).post(api('/courses/awareness/versions/1.1.0/publish')).set(asStakeholder).send({}).expect(403);
    const auth = { Authorization: `Bearer ${trainerToken}` };
    await request(app).post(api('/courses/nothing/versions')).set(auth).expect(404);
    await request(app).post(api('/courses/awareness/versions/latest/publish')).set(auth).send({}).expect(404);
    await request(app).post(api('/courses/awareness/versions/1.1.0/publish')).set(auth).send({ changelog: 42 }).expect(400);
    expect(await CourseVersion.countDocuments({ status: 'draft' })).toBe(0);
  });

  it('lists the same courses through the service as through the API', async () => {
    const courses = await listCourses(undefined, 'en');
    expect(courses).toHaveLength(6);
    expect(courses.every((course) => course.latestVersion !== null)).toBe(true);
  });
});
