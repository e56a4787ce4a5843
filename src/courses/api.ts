import { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { requireSignedIn } from '../accounts/bearer';
import { ForbiddenError } from '../http/errors';
import { pageOf, paginationQuery } from '../http/pagination';
import { parseInput } from '../http/validate';
import { FALLBACK_LANGUAGE, type Language, SUPPORTED_LANGUAGES } from '../i18n/languages';
import { readerLanguage } from '../i18n/middleware';
import type { CourseVersionDocument } from './model';
import { editLesson } from './drafts';
import { serialiseResource } from './resources/service';
import { canAuthor, completenessOf, getVersion, listCourses, publish, startDraft } from './versions';

const language = z.enum(SUPPORTED_LANGUAGES);
export const courseListQuery = paginationQuery.extend({ lang: language.optional() }).strict();
export const courseVersionQuery = z.strictObject({ lang: language.optional() });
export const lessonEditSchema = z.strictObject({
  lang: language,
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(60_000),
  minutes: z.number().int().min(1).max(600).optional(),
  revision: z.number().int().min(0),
});
export const publishSchema = z.strictObject({
  changelog: z.union([z.string().trim().min(1).max(20_000), z.partialRecord(language, z.string().trim().min(1).max(20_000))]).optional(),
});

/** A version as the API shows it, in `lang` where it has the text, else in English. */
export function serialiseVersion(version: CourseVersionDocument, requested: Language, author: boolean) {
  const completeness = completenessOf(version);
  // Served in the language asked for when it has any of it; the gaps fall back to English.
  const lang = completeness[requested] > 0 ? requested : FALLBACK_LANGUAGE;
  const inLang = <Value>(values: Partial<Record<Language, Value>>) => values[lang] ?? values[FALLBACK_LANGUAGE];
  const quiz =
    version.questions.length === 0
      ? undefined
      : {
          questions: version.questions.map((question) => {
            const text = inLang(question.text);
            return {
              key: question.key,
              prompt: text?.prompt ?? '',
              options: question.optionKeys.map((key) => ({ key, text: text?.options?.[key] ?? inLang(question.text)?.options?.[key] ?? '' })),
              // The answers are for the people who write the check, never for those who take it.
              ...(author ? { correct: question.correct, feedback: text?.feedback ?? '' } : {}),
            };
          }),
        };
  return {
    slug: version.course,
    version: version.version,
    status: version.status,
    publishedAt: version.publishedAt ? version.publishedAt.toISOString() : null,
    lang,
    changelog: inLang(version.changelog) ?? null,
    lessons: version.lessons.map((lesson) => ({
      key: lesson.key,
      title: inLang(lesson.content)?.title ?? '',
      body: inLang(lesson.content)?.body ?? '',
      minutes: lesson.minutes,
    })),
    ...(quiz ? { quiz } : {}),
    resources: (version.resources ?? []).map((resource) => serialiseResource(version, resource)),
    completeness,
    ...(author ? { revision: version.revision } : {}),
  };
}

export const param = (req: Request, name: string) => String(req.params[name]);

/** Refuses non-authors before their input is even read (the services check again). */
export const requireAuthor: RequestHandler = (req, _res, next) => {
  next(canAuthor(req.user) ? undefined : new ForbiddenError('only trainers, coordinators and administrators write course content'));
};

/** `/api/v1/courses`: the catalogue, versions, and authoring (docs/api.md, "Courses"). */
export function coursesApi(): Router {
  const router = Router();

  router.get('/courses', async (req, res) => {
    const query = parseInput(req, courseListQuery, req.query);
    const lang = readerLanguage(req);
    const courses = await listCourses(req.user, lang);
    const page = pageOf(courses, query);
    res.json({
      ...page,
      items: page.items.map((course) => ({
        ...course,
        versions: course.versions.map((version) => ({ ...version, publishedAt: version.publishedAt ? version.publishedAt.toISOString() : null })),
      })),
      lang,
    });
  });

  router.get('/courses/:slug/versions/:version', async (req, res) => {
    parseInput(req, courseVersionQuery, req.query);
    const version = await getVersion(req.user, param(req, 'slug'), param(req, 'version'));
    res.json(serialiseVersion(version, readerLanguage(req), canAuthor(req.user)));
  });

  router.post('/courses/:slug/versions', requireSignedIn, requireAuthor, async (req, res) => {
    const draft = await startDraft(req.user, param(req, 'slug'));
    res.status(201).json(serialiseVersion(draft, readerLanguage(req), true));
  });

  router.put('/courses/:slug/versions/:version/lessons/:key', requireSignedIn, requireAuthor, async (req, res) => {
    const input = parseInput(req, lessonEditSchema, req.body ?? {});
    const saved = await editLesson(req.user, param(req, 'slug'), param(req, 'version'), param(req, 'key'), input);
    const lesson = saved.lessons.find((item) => item.key === param(req, 'key'))!;
    const text = lesson.content[input.lang]!;
    res.json({ slug: saved.course, version: saved.version, revision: saved.revision, lesson: { key: lesson.key, lang: input.lang, title: text.title, body: text.body, minutes: lesson.minutes } });
  });

  router.post('/courses/:slug/versions/:version/publish', requireSignedIn, requireAuthor, async (req, res) => {
    const input = parseInput(req, publishSchema, req.body ?? {});
    const published = await publish(req.user, param(req, 'slug'), param(req, 'version'), input);
    res.json(serialiseVersion(published, readerLanguage(req), true));
  });

  return router;
}
