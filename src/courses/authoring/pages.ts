/**
 * Authoring on the web (issue 4, point 5): the modules and their versions, a draft's page
 * (lessons, order, changelog, resources, translation status, publishing), archiving.
 * The lesson and check editors are in lesson-pages.ts and check-pages.ts.
 */
import { type Request, type Response, Router } from 'express';
import { renderPage } from '../../http/render';
import { formErrorsFrom } from '../../http/validate';
import { LANGUAGE_AUTONYMS, type Language, SUPPORTED_LANGUAGES } from '../../i18n/languages';
import { readerLanguage } from '../../i18n/middleware';
import { createFormatters } from '../../i18n/format';
import { editChangelog, moveLesson } from '../drafts';
import { findCourse, findDraft } from '../draft-guard';
import { Course, type CourseDocument, CourseVersion, type CourseVersionDocument } from '../model';
import { formatSize, OUTCOMES, resourcesForPage } from '../resources';
import { archive, getVersion, missingEnglish, publish, startDraft, translationStatusOf } from '../versions';
import { courseTitle, localised } from '../view';
import { authorsOnly, editedLanguage, formNumber, slugOf, statusOf, versionPath } from './guard';
import { checkPages } from './check-pages';
import { lessonPages } from './lesson-pages';

/** Outcomes the version page announces after a redirect (`?done=`, `?problem=`). */
const DONE = ['draft-started', 'lesson-saved', 'lesson-added', 'lesson-removed', 'lesson-moved', 'check-saved', 'changelog-saved', 'published', 'archived'];
const PROBLEMS = ['stale-revision', 'immutable', 'latest-published', 'not-published', 'last-lesson'];

const percent = (share: number) => Math.floor(share * 100);
const languageName = (lang: Language) => LANGUAGE_AUTONYMS[lang];

/** A service refusal on a button (no form to show again) becomes a problem code for the page. */
function problemOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && PROBLEMS.includes(code) ? code : undefined;
}

async function overview(req: Request, res: Response) {
  const lang = readerLanguage(req);
  const courses = await Course.find().sort({ order: 1 }).lean<CourseDocument[]>();
  const versions = await CourseVersion.find().sort({ versionKey: -1 }).lean<CourseVersionDocument[]>();
  await renderPage(res, 'courses/authoring/index', {
    title: req.t('authoring:index.title'),
    modules: courses.map((course) => {
      const own = versions.filter((version) => version.course === course._id);
      return {
        slug: course._id,
        title: courseTitle(course, lang),
        latest: own.find((version) => version.status === 'published')?.version,
        draft: own.find((version) => version.status === 'draft')?.version,
        count: own.length,
      };
    }),
  });
}

async function modulePage(req: Request, res: Response) {
  const course = await findCourse(slugOf(req));
  const lang = readerLanguage(req);
  const versions = await CourseVersion.find({ course: course._id }).sort({ versionKey: -1 }).lean<CourseVersionDocument[]>();
  const latest = versions.find((version) => version.status === 'published');
  await renderPage(res, 'courses/authoring/module', {
    title: courseTitle(course, lang),
    slug: course._id,
    hasDraft: versions.some((version) => version.status === 'draft'),
    canStart: Boolean(latest),
    versions: versions.map((version) => ({
      version: version.version,
      status: version.status,
      publishedAt: version.publishedAt ? createFormatters(lang).date(version.publishedAt) : undefined,
      complete: translationStatusOf(version).filter((entry) => entry.share === 1).map((entry) => languageName(entry.lang)),
      archivable: version.status === 'published' && version.version !== latest?.version,
    })),
    compare: { from: versions[1]?.version, to: versions[0]?.version },
    problem: typeof req.query.problem === 'string' && PROBLEMS.includes(req.query.problem) ? req.query.problem : undefined,
    done: req.query.done === 'archived' ? 'archived' : undefined,
  });
}

async function versionPage(req: Request, res: Response, httpStatus = 200) {
  const slug = slugOf(req);
  const course = await findCourse(slug);
  const version = await getVersion(req.user, slug, String(req.params.version));
  const lang = readerLanguage(req);
  const status = translationStatusOf(version);
  const resourceOutcome = typeof req.query.resource === 'string' && (OUTCOMES as readonly string[]).includes(req.query.resource) ? req.query.resource : undefined;
  await renderPage(res, 'courses/authoring/version', {
    title: req.t('authoring:version.title', { module: courseTitle(course, lang), version: version.version }),
    moduleTitle: courseTitle(course, lang),
    slug,
    version: version.version,
    status: version.status,
    draft: version.status === 'draft',
    revision: version.revision,
    publishedAt: version.publishedAt ? createFormatters(lang).date(version.publishedAt) : undefined,
    lessons: version.lessons.map((lesson, index) => ({
      key: lesson.key,
      title: localised(lesson.content, lang)?.title ?? lesson.content[Object.keys(lesson.content)[0] as Language]?.title ?? lesson.key,
      minutes: lesson.minutes,
      first: index === 0,
      last: index === version.lessons.length - 1,
    })),
    questionCount: version.questions.length,
    translations: status.map((entry) => ({
      lang: entry.lang,
      name: languageName(entry.lang),
      percent: percent(entry.share),
      lessons: entry.lessons.filter((lesson) => lesson.present).length,
      missingLessons: entry.lessons.filter((lesson) => !lesson.present).map((lesson) => lesson.key),
      questions: entry.questions.filter((question) => question.present).length,
      changelog: entry.changelog,
    })),
    lessonCount: version.lessons.length,
    changelog: SUPPORTED_LANGUAGES.filter((code) => version.changelog[code]).map((code) => ({ lang: code, name: languageName(code) })),
    englishChangelog: version.changelog.en ?? '',
    missing: version.status === 'draft' ? missingEnglish(version) : [],
    resources: resourcesForPage(version).map((resource) => ({ ...resource, typeLabel: req.t(resource.typeLabelKey), size: formatSize(resource.size, lang) })),
    languages: SUPPORTED_LANGUAGES.map((code) => ({ code, name: languageName(code) })),
    done: typeof req.query.done === 'string' && DONE.includes(req.query.done) ? req.query.done : undefined,
    problem: typeof req.query.problem === 'string' && PROBLEMS.includes(req.query.problem) ? req.query.problem : undefined,
    resourceOutcome,
    errors: res.locals.formErrors ?? [],
  }, httpStatus);
}

/** The changelog of a draft in one language: its own small page, the text kept on errors. */
async function changelogPage(req: Request, res: Response, kept?: { text: string; errors: unknown[]; revision?: number }) {
  const slug = slugOf(req);
  const course = await findCourse(slug);
  const version = await findDraft(slug, String(req.params.version));
  const editing = editedLanguage(req.body?.lang ?? req.query.content);
  const lang = readerLanguage(req);
  await renderPage(
    res,
    'courses/authoring/changelog',
    {
      title: req.t('authoring:changelog.title', { version: version.version }),
      moduleTitle: courseTitle(course, lang),
      slug,
      version: version.version,
      revision: kept?.revision ?? version.revision,
      editing,
      editingName: languageName(editing),
      english: editing === 'en' ? undefined : version.changelog.en,
      text: kept?.text ?? version.changelog[editing] ?? '',
      languages: SUPPORTED_LANGUAGES.map((code) => ({ code, name: languageName(code), present: Boolean(version.changelog[code]) })),
      errors: kept?.errors ?? [],
    },
    kept ? 400 : 200,
  );
}

export function authoringPages(): Router {
  const router = Router();
  router.use('/authoring', authorsOnly);
  router.get('/authoring', overview);
  router.get('/authoring/:slug', modulePage);

  router.post('/authoring/:slug/drafts', async (req, res) => {
    const slug = slugOf(req);
    try {
      const draft = await startDraft(req.user, slug);
      res.redirect(303, versionPath(slug, draft.version, { done: 'draft-started' }));
    } catch (error) {
      // A draft started by someone else meanwhile: open it rather than fail.
      if ((error as { code?: string }).code !== 'draft-exists') throw error;
      const existing = await CourseVersion.findOne({ course: slug, status: 'draft' }).lean();
      res.redirect(303, existing ? versionPath(slug, existing.version) : `/authoring/${slug}`);
    }
  });

  router.get('/authoring/:slug/versions/:version', (req, res) => versionPage(req, res));

  router.post('/authoring/:slug/versions/:version/lessons/:key/move', async (req, res) => {
    const slug = slugOf(req);
    const version = String(req.params.version);
    const key = String(req.params.key);
    const direction = req.body?.direction === 'up' ? 'up' : 'down';
    try {
      await moveLesson(req.user, slug, version, key, direction, formNumber(req.body?.revision) ?? -1);
      res.redirect(303, versionPath(slug, version, { done: 'lesson-moved' }, `#lesson-${key}`));
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      res.redirect(303, versionPath(slug, version, { problem }, '#lessons'));
    }
  });

  router.get('/authoring/:slug/versions/:version/changelog', (req, res) => changelogPage(req, res));
  router.post('/authoring/:slug/versions/:version/changelog', async (req, res) => {
    const slug = slugOf(req);
    const version = String(req.params.version);
    const text = typeof req.body?.text === 'string' ? req.body.text : '';
    if (text.length > 20_000) {
      await changelogPage(req, res, { text, errors: [{ path: 'text', message: req.t('errors:field.too-long', { count: 20_000 }) }] });
      return;
    }
    try {
      await editChangelog(req.user, slug, version, editedLanguage(req.body?.lang), text, formNumber(req.body?.revision) ?? -1);
      res.redirect(303, versionPath(slug, version, { done: 'changelog-saved' }, '#changelog'));
    } catch (error) {
      const errors = formErrorsFrom(error, req.t);
      if (!errors) throw error;
      // Someone saved meanwhile: the text stays here, and saving again is a deliberate choice.
      const current = await CourseVersion.findOne({ course: slug, version }).lean();
      await changelogPage(req, res, { text, errors, ...(current ? { revision: current.revision } : {}) });
    }
  });

  router.post('/authoring/:slug/versions/:version/publish', async (req, res) => {
    const slug = slugOf(req);
    const version = String(req.params.version);
    const changelog = typeof req.body?.changelog === 'string' && req.body.changelog.trim() !== '' ? req.body.changelog.slice(0, 20_000) : undefined;
    try {
      await publish(req.user, slug, version, changelog ? { changelog } : {});
      res.redirect(303, versionPath(slug, version, { done: 'published' }));
    } catch (error) {
      const errors = formErrorsFrom(error, req.t);
      if (!errors) throw error;
      res.locals.formErrors = errors;
      await versionPage(req, res, statusOf(error));
    }
  });

  router.post('/authoring/:slug/versions/:version/archive', async (req, res) => {
    const slug = slugOf(req);
    try {
      await archive(req.user, slug, String(req.params.version));
      res.redirect(303, `/authoring/${slug}?done=archived`);
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      res.redirect(303, `/authoring/${slug}?problem=${problem}`);
    }
  });

  router.use(lessonPages());
  router.use(checkPages());
  return router;
}

