/**
 * The rest of authoring through the API (docs/api.md, "Courses"): adding, removing and ordering
 * lessons, the knowledge check, the changelog, archiving, and the translation status. Every
 * edit carries the draft's `revision`, as the lesson edit does.
 */
import { Router } from 'express';
import { z } from 'zod';
import { requireSignedIn } from '../accounts/bearer';
import { parseInput } from '../http/validate';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';
import { readerLanguage } from '../i18n/middleware';
import { param, requireAuthor, serialiseVersion } from './api';
import { addLesson, editChangelog, editCheck, KEY_PATTERN, removeLesson, reorderLessons } from './drafts';
import { archive, getVersion, translationStatusOf } from './versions';

const language = z.enum(SUPPORTED_LANGUAGES);
const revision = z.number().int().min(0);
const key = z.string().regex(KEY_PATTERN);
const title = z.string().trim().min(1).max(200);
const body = z.string().trim().min(1).max(60_000);
const minutes = z.number().int().min(1).max(600);

export const lessonAdditionSchema = z.strictObject({ lang: language, title, body, minutes, key: key.optional(), position: z.number().int().min(0).max(200).optional(), revision });
export const lessonRemovalQuery = z.strictObject({ revision: z.coerce.number().int().min(0) });
export const lessonOrderSchema = z.strictObject({ order: z.array(key).min(1).max(200), revision });
export const checkEditSchema = z.strictObject({
  lang: language,
  revision,
  questions: z
    .array(
      z.strictObject({
        key,
        prompt: z.string().trim().min(1).max(2_000),
        options: z.array(z.strictObject({ key, text: z.string().trim().min(1).max(500) })).min(2).max(8),
        correct: z.array(key).min(1).max(8),
        feedback: z.string().trim().min(1).max(5_000),
      }),
    )
    .min(1)
    .max(40),
});
export const changelogEditSchema = z.strictObject({ lang: language, text: z.string().trim().max(20_000), revision });

/** `/api/v1/courses/:slug/versions/:version/…`: authoring beyond a lesson's text. */
export function authoringApi(): Router {
  const router = Router();
  const at = '/courses/:slug/versions/:version';
  const names = (req: Parameters<typeof param>[0]) => [param(req, 'slug'), param(req, 'version')] as const;

  router.post(`${at}/lessons`, requireSignedIn, requireAuthor, async (req, res) => {
    const input = parseInput(req, lessonAdditionSchema, req.body ?? {});
    const { draft, key: added } = await addLesson(req.user, ...names(req), input);
    const lesson = draft.lessons.find((item) => item.key === added)!;
    const text = lesson.content[input.lang]!;
    res
      .status(201)
      .location(`/api/v1/courses/${draft.course}/versions/${draft.version}/lessons/${added}`)
      .json({ slug: draft.course, version: draft.version, revision: draft.revision, lesson: { key: added, lang: input.lang, title: text.title, body: text.body, minutes: lesson.minutes } });
  });

  router.delete(`${at}/lessons/:key`, requireSignedIn, requireAuthor, async (req, res) => {
    const query = parseInput(req, lessonRemovalQuery, req.query);
    const draft = await removeLesson(req.user, ...names(req), param(req, 'key'), query.revision);
    res.json(serialiseVersion(draft, readerLanguage(req), true));
  });

  router.put(`${at}/order`, requireSignedIn, requireAuthor, async (req, res) => {
    const input = parseInput(req, lessonOrderSchema, req.body ?? {});
    const draft = await reorderLessons(req.user, ...names(req), input.order, input.revision);
    res.json(serialiseVersion(draft, readerLanguage(req), true));
  });

  router.put(`${at}/check`, requireSignedIn, requireAuthor, async (req, res) => {
    const input = parseInput(req, checkEditSchema, req.body ?? {});
    const draft = await editCheck(req.user, ...names(req), input);
    res.json(serialiseVersion(draft, input.lang, true));
  });

  router.put(`${at}/changelog`, requireSignedIn, requireAuthor, async (req, res) => {
    const input = parseInput(req, changelogEditSchema, req.body ?? {});
    const draft = await editChangelog(req.user, ...names(req), input.lang, input.text, input.revision);
    res.json(serialiseVersion(draft, input.lang, true));
  });

  router.post(`${at}/archive`, requireSignedIn, requireAuthor, async (req, res) => {
    const archived = await archive(req.user, ...names(req));
    res.json(serialiseVersion(archived, readerLanguage(req), true));
  });

  router.get(`${at}/translation-status`, requireSignedIn, requireAuthor, async (req, res) => {
    const version = await getVersion(req.user, ...names(req));
    res.json({ slug: version.course, version: version.version, status: version.status, languages: translationStatusOf(version) });
  });

  return router;
}
