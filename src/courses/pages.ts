import { type Request, type RequestHandler, type Response, Router } from 'express';
import { NotFoundError } from '../http/errors';
import { renderPage } from '../http/render';
import { renderMarkdown } from './markdown';
import { formatSize, resourcesForPage } from './resources/service';
import type { CourseDocument, CourseVersionDocument } from './model';
import {
  compareLessons, findProgress, markLessonDone, PASS_MARK, type ProgressDocument,
  recordAttempt, scoreCheck, startCourse, switchToLatest,
} from './progress';
import { allCourses, courseById, latestPublished, readableVersion } from './published';
import { contentLanguage, courseTitle, languagesOf, localised, summarise } from './view';
import { can } from '../accounts/policy';
import { LANGUAGE_AUTONYMS, SUPPORTED_LANGUAGES } from '../i18n/languages';

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const KEY = /^[a-z0-9][a-z0-9-]{0,99}$/;
/** Form fields of the check are `q-<question key>`, apart from `_csrf`. */
const ANSWER_PREFIX = 'q-';

/** Lessons, marking done and the check are for signed-in learners; others sign in and come back. */
const learner: RequestHandler = (req, res, next) => {
  if (can(req.user, 'courses.learn')) return next();
  const back = req.method === 'GET' ? req.originalUrl : `/modules/${encodeURIComponent(String(req.params.slug ?? ''))}`;
  res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(back)}`);
};

async function courseOf(req: Request): Promise<CourseDocument> {
  const slug = String(req.params.slug);
  if (!SLUG.test(slug)) throw new NotFoundError();
  const course = await courseById(slug);
  if (!course) throw new NotFoundError();
  return course;
}

/** What a learner reads: the version they are pinned to, or the latest published one. */
async function versionFor(course: CourseDocument, progress: ProgressDocument | null): Promise<CourseVersionDocument> {
  const version = progress ? await readableVersion(course._id, progress.version) : await latestPublished(course._id);
  if (!version) throw new NotFoundError();
  return version;
}

function markdownFor(req: Request) {
  const externalHint = req.t('learning:external-link');
  return (source: string) => renderMarkdown(source, { externalHint });
}

/** Keeps `?content=` on the links of a page, so a chosen content language sticks. */
function contentQuery(req: Request): string {
  return typeof req.query.content === 'string' && req.query.content === contentLanguage(req) ? `?content=${req.query.content}` : '';
}

async function catalogue(req: Request, res: Response) {
  const lang = contentLanguage(req);
  const courses = await allCourses();
  const progresses = req.user ? (await Promise.all(courses.map((course) => findProgress(req.user!.id, course._id)))).filter((found) => found !== null) : [];
  const modules = [];
  for (const course of courses) {
    const latest = await latestPublished(course._id);
    if (!latest) continue;
    const progress = progresses.find((candidate) => candidate.course === course._id) ?? null;
    const pinned = progress ? ((await readableVersion(course._id, progress.version)) ?? latest) : latest;
    modules.push({
      slug: course._id,
      title: courseTitle(course, lang),
      summary: localised(course.summary, lang) ?? '',
      languages: languagesOf(latest).map((code) => LANGUAGE_AUTONYMS[code]),
      latest: latest.version,
      progress: req.user ? summarise(progress, pinned) : undefined,
    });
  }
  await renderPage(res, 'courses/catalogue', { title: req.t('learning:catalogue.title'), modules, query: contentQuery(req) });
}

async function modulePage(req: Request, res: Response) {
  const course = await courseOf(req);
  const lang = contentLanguage(req);
  const progress = req.user ? await findProgress(req.user.id, course._id) : null;
  const version = await versionFor(course, progress);
  const latest = await latestPublished(course._id);
  const newer = progress && latest && latest.versionKey > version.versionKey ? latest : null;
  const done = new Set(progress?.lessons.map((lesson) => lesson.key));
  const render = markdownFor(req);
  await renderPage(res, 'courses/module', {
    title: courseTitle(course, lang),
    slug: course._id,
    summary: localised(course.summary, lang) ?? '',
    objectives: localised(course.objectives, lang) ?? [],
    audience: localised(course.audience, lang) ?? [],
    version: version.version,
    archived: version.status === 'archived',
    resources: resourcesForPage(version).map((resource) => ({ ...resource, typeLabel: req.t(resource.typeLabelKey), size: formatSize(resource.size, req.language ?? 'en') })),
    lessons: version.lessons.map((lesson) => ({ key: lesson.key, minutes: lesson.minutes, title: localised(lesson.content, lang)?.title ?? lesson.key, done: done.has(lesson.key) })),
    started: Boolean(progress),
    signedIn: Boolean(req.user),
    summaryOfProgress: summarise(progress, version),
    newer: newer && {
      version: newer.version,
      changelog: render(localised(newer.changelog, lang) ?? ''),
      lessons: compareLessons(version, newer).map((entry) => ({ ...entry, title: localised(newer.lessons.find((lesson) => lesson.key === entry.key)!.content, lang)?.title ?? entry.key })),
    },
    query: contentQuery(req),
  });
}

async function lessonPage(req: Request, res: Response) {
  const course = await courseOf(req);
  const key = String(req.params.key);
  if (!KEY.test(key)) throw new NotFoundError();
  const lang = contentLanguage(req);
  const progress = await findProgress(req.user!.id, course._id);
  const version = await versionFor(course, progress);
  const index = version.lessons.findIndex((lesson) => lesson.key === key);
  if (index < 0) throw new NotFoundError();
  const lesson = version.lessons[index]!;
  const text = lesson.content[lang] ?? lesson.content.en;
  if (!text) throw new NotFoundError();
  const neighbour = (at: number) => {
    const other = version.lessons[at];
    return other && { key: other.key, title: localised(other.content, lang)?.title ?? other.key };
  };
  await renderPage(res, 'courses/lesson', {
    title: text.title,
    slug: course._id,
    moduleTitle: courseTitle(course, lang),
    key,
    body: markdownFor(req)(text.body),
    // The text is English because the reader's language is missing: say so, in their language.
    fallback: !lesson.content[lang],
    contentLang: lesson.content[lang] ? lang : 'en',
    // The reader may read the text in another language than the pages (e.g. a colleague's).
    languages: SUPPORTED_LANGUAGES.filter((code) => lesson.content[code]).map((code) => ({ code, name: LANGUAGE_AUTONYMS[code], selected: code === lang })),
    minutes: lesson.minutes,
    done: Boolean(progress?.lessons.some((entry) => entry.key === key)),
    previous: neighbour(index - 1),
    next: neighbour(index + 1),
    position: index + 1,
    count: version.lessons.length,
    summaryOfProgress: summarise(progress, version),
    query: contentQuery(req),
  });
}

function answersFrom(body: unknown): Record<string, string[]> {
  const answers: Record<string, string[]> = {};
  if (!body || typeof body !== 'object') return answers;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (!name.startsWith(ANSWER_PREFIX)) continue;
    const values = (Array.isArray(value) ? value : [value]).filter((entry): entry is string => typeof entry === 'string');
    answers[name.slice(ANSWER_PREFIX.length)] = values;
  }
  return answers;
}

async function checkPage(req: Request, res: Response) {
  const course = await courseOf(req);
  const lang = contentLanguage(req);
  const progress = await findProgress(req.user!.id, course._id);
  const version = await versionFor(course, progress);
  // After a POST, the result of the latest attempt (kept with its answers) is shown here.
  const attempt = req.query.result !== undefined ? progress?.attempts.at(-1) : undefined;
  const result = attempt ? scoreCheck(version.questions, attempt.answers ?? {}) : undefined;
  const questions = version.questions.map((question) => {
    const text = question.text[lang] ?? question.text.en!;
    const outcome = result?.questions.find((entry) => entry.key === question.key);
    return {
      key: question.key,
      name: `${ANSWER_PREFIX}${question.key}`,
      multiple: question.correct.length > 1,
      prompt: text.prompt,
      options: question.optionKeys.map((option) => ({ key: option, text: text.options[option] ?? option, checked: Boolean(outcome?.chosen.includes(option)) })),
      feedback: outcome && { correct: outcome.correct, text: markdownFor(req)(text.feedback) },
    };
  });
  await renderPage(res, 'courses/check', {
    title: req.t('learning:check.title', { module: courseTitle(course, lang) }),
    slug: course._id,
    fallback: version.questions.some((question) => !question.text[lang]),
    questions,
    result: result && { score: result.score, total: result.total, percent: Math.round(result.share * 100), passed: result.passed },
    passMark: Math.round(PASS_MARK * 100),
    query: contentQuery(req),
  });
}

export function coursePages(): Router {
  const router = Router();
  router.get('/modules', catalogue);
  router.get('/modules/:slug', modulePage);

  router.post('/modules/:slug/start', learner, async (req, res) => {
    const course = await courseOf(req);
    await startCourse(req.user!.id, course._id);
    res.redirect(303, `/modules/${course._id}`);
  });

  router.post('/modules/:slug/switch', learner, async (req, res) => {
    const course = await courseOf(req);
    await switchToLatest(req.user!.id, course._id);
    res.redirect(303, `/modules/${course._id}`);
  });

  router.get('/modules/:slug/lessons/:key', learner, lessonPage);

  router.post('/modules/:slug/lessons/:key/done', learner, async (req, res) => {
    const course = await courseOf(req);
    const key = String(req.params.key);
    if (!KEY.test(key)) throw new NotFoundError();
    const progress = await startCourse(req.user!.id, course._id);
    const version = await versionFor(course, progress);
    await markLessonDone(progress, version, key);
    res.redirect(303, `/modules/${course._id}/lessons/${key}${contentQuery(req)}`);
  });

  router.get('/modules/:slug/check', learner, checkPage);

  router.post('/modules/:slug/check', learner, async (req, res) => {
    const course = await courseOf(req);
    const progress = await startCourse(req.user!.id, course._id);
    const version = await versionFor(course, progress);
    await recordAttempt(progress, version, scoreCheck(version.questions, answersFrom(req.body)));
    const query = contentQuery(req);
    res.redirect(303, `/modules/${course._id}/check${query ? `${query}&` : '?'}result#result`);
  });
  return router;
}
