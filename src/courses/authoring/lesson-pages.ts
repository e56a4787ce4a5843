/**
 * The lesson editor: one lesson in one language, with a preview that saves nothing, adding a
 * lesson, and removing one after a confirmation. A conflicting save keeps the author's text
 * and shows what the other editor saved, so nothing typed is ever lost.
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { formErrorsFrom, type ShownFieldError, toFieldErrors } from '../../http/validate';
import { LANGUAGE_AUTONYMS, type Language, SUPPORTED_LANGUAGES } from '../../i18n/languages';
import { readerLanguage } from '../../i18n/middleware';
import { addLesson, editLesson, KEY_PATTERN, removeLesson } from '../drafts';
import { renderMarkdown } from '../markdown';
import { CourseVersion, type CourseVersionDocument } from '../model';
import { courseTitle } from '../view';
import { findCourse, findDraft } from '../draft-guard';
import { editedLanguage, formNumber, slugOf, statusOf, versionPath } from './guard';

const lessonForm = z.object({
  title: z.string().trim().min(1).max(200),
  minutes: z.number().int().min(1).max(600),
  body: z.string().trim().min(1).max(60_000),
  revision: z.number().int().min(0),
});

interface LessonFormValues {
  title: string;
  minutes: string;
  body: string;
  position?: string;
}

function valuesFrom(body: unknown): LessonFormValues {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const text = (name: string) => (typeof source[name] === 'string' ? (source[name] as string) : '');
  return { title: text('title'), minutes: text('minutes'), body: text('body'), position: text('position') };
}

function parseLessonForm(req: Request) {
  const values = valuesFrom(req.body);
  // "twenty" is an invalid number of minutes, an empty box a missing one: zod tells them apart by the input.
  const minutes = formNumber(values.minutes) ?? (values.minutes.trim() === '' ? undefined : values.minutes);
  const result = lessonForm.safeParse({ title: values.title, minutes, body: values.body, revision: formNumber(req.body?.revision) }, { reportInput: true });
  return { values, parsed: result.success ? result.data : undefined, errors: result.success ? [] : toFieldErrors(result.error.issues, req.t) };
}

const preview = (req: Request, body: string) => renderMarkdown(body, { externalHint: req.t('learning:external-link') });
const KEY = (req: Request) => {
  const key = String(req.params.key);
  if (!KEY_PATTERN.test(key)) throw new NotFoundError();
  return key;
};

interface EditorState {
  values?: LessonFormValues;
  errors?: ShownFieldError[];
  preview?: string;
  /** The text another editor saved meanwhile, shown next to the author's. */
  conflict?: { title: string; body: string };
  revision?: number;
}

async function editorPage(req: Request, res: Response, draft: CourseVersionDocument, key: string, state: EditorState = {}, status = 200) {
  const lesson = draft.lessons.find((item) => item.key === key);
  if (!lesson) throw new NotFoundError();
  const editing = editedLanguage(req.body?.lang ?? req.query.content);
  const course = await findCourse(draft.course);
  const saved = lesson.content[editing];
  await renderPage(
    res,
    'courses/authoring/lesson',
    {
      title: req.t('authoring:lesson.title', { lesson: saved?.title ?? lesson.content.en?.title ?? key, language: LANGUAGE_AUTONYMS[editing] }),
      moduleTitle: courseTitle(course, readerLanguage(req)),
      slug: draft.course,
      version: draft.version,
      key,
      editing,
      editingName: LANGUAGE_AUTONYMS[editing],
      revision: state.revision ?? draft.revision,
      values: state.values ?? { title: saved?.title ?? '', minutes: String(lesson.minutes), body: saved?.body ?? '' },
      // Translators work from the English text: it is there to read, not to edit.
      english: editing === 'en' ? undefined : lesson.content.en,
      languages: SUPPORTED_LANGUAGES.map((code) => ({ code, name: LANGUAGE_AUTONYMS[code], present: Boolean(lesson.content[code]), current: code === editing })),
      preview: state.preview,
      conflict: state.conflict && { title: state.conflict.title, body: preview(req, state.conflict.body) },
      errors: state.errors ?? [],
    },
    status,
  );
}

async function draftOf(req: Request): Promise<CourseVersionDocument> {
  return findDraft(slugOf(req), String(req.params.version));
}

async function saveLesson(req: Request, res: Response) {
  const draft = await draftOf(req);
  const key = KEY(req);
  const editing = editedLanguage(req.body?.lang);
  const { values, parsed, errors } = parseLessonForm(req);
  if (!parsed) return editorPage(req, res, draft, key, { values, errors, revision: formNumber(req.body?.revision) }, 400);
  if (req.body?.intent === 'preview') return editorPage(req, res, draft, key, { values, preview: preview(req, parsed.body), revision: parsed.revision });
  try {
    await editLesson(req.user, draft.course, draft.version, key, { lang: editing, ...parsed });
    res.redirect(303, versionPath(draft.course, draft.version, { done: 'lesson-saved' }, `#lesson-${key}`));
  } catch (error) {
    const shown = formErrorsFrom(error, req.t);
    if (!shown) throw error;
    const current = await CourseVersion.findById(draft._id).lean();
    const theirs = current?.lessons.find((lesson) => lesson.key === key)?.content[editing];
    // The newer revision goes into the form: saving again is a deliberate choice to replace theirs.
    const conflict = (error as { code?: string }).code === 'stale-revision' && theirs ? theirs : undefined;
    await editorPage(req, res, current ?? draft, key, { values, errors: shown, ...(conflict ? { conflict } : {}), revision: current?.revision }, statusOf(error));
  }
}

async function newLessonPage(req: Request, res: Response, draft: CourseVersionDocument, state: EditorState = {}, status = 200) {
  const editing = editedLanguage(req.body?.lang ?? req.query.content);
  const course = await findCourse(draft.course);
  await renderPage(
    res,
    'courses/authoring/new-lesson',
    {
      title: req.t('authoring:new-lesson.title'),
      moduleTitle: courseTitle(course, readerLanguage(req)),
      slug: draft.course,
      version: draft.version,
      editing,
      revision: state.revision ?? draft.revision,
      values: state.values ?? { title: '', minutes: '20', body: '', position: String(draft.lessons.length) },
      positions: [
        ...draft.lessons.map((lesson, index) => ({ value: String(index), label: req.t('authoring:new-lesson.before', { lesson: lesson.content.en?.title ?? lesson.key }) })),
        { value: String(draft.lessons.length), label: req.t('authoring:new-lesson.at-end') },
      ],
      languages: SUPPORTED_LANGUAGES.map((code) => ({ code, name: LANGUAGE_AUTONYMS[code] })),
      preview: state.preview,
      errors: state.errors ?? [],
    },
    status,
  );
}

async function addLessonFromForm(req: Request, res: Response) {
  const draft = await draftOf(req);
  const { values, parsed, errors } = parseLessonForm(req);
  if (!parsed) return newLessonPage(req, res, draft, { values, errors, revision: formNumber(req.body?.revision) }, 400);
  if (req.body?.intent === 'preview') return newLessonPage(req, res, draft, { values, preview: preview(req, parsed.body), revision: parsed.revision });
  try {
    const position = formNumber(values.position);
    const { key } = await addLesson(req.user, draft.course, draft.version, { lang: editedLanguage(req.body?.lang), ...parsed, position });
    res.redirect(303, versionPath(draft.course, draft.version, { done: 'lesson-added' }, `#lesson-${key}`));
  } catch (error) {
    const shown = formErrorsFrom(error, req.t);
    if (!shown) throw error;
    const current = await CourseVersion.findById(draft._id).lean();
    // Adding does not overwrite anyone's work: the next save may go ahead on the new revision.
    await newLessonPage(req, res, current ?? draft, { values, errors: shown, revision: current?.revision }, statusOf(error));
  }
}

async function removePage(req: Request, res: Response) {
  const draft = await draftOf(req);
  const key = KEY(req);
  const lesson = draft.lessons.find((item) => item.key === key);
  if (!lesson) throw new NotFoundError();
  const lang: Language = readerLanguage(req);
  await renderPage(res, 'courses/authoring/remove-lesson', {
    title: req.t('authoring:remove.title'),
    slug: draft.course,
    version: draft.version,
    key,
    lessonTitle: lesson.content[lang]?.title ?? lesson.content.en?.title ?? key,
    languages: SUPPORTED_LANGUAGES.filter((code) => lesson.content[code]).map((code) => LANGUAGE_AUTONYMS[code]),
    revision: draft.revision,
    last: draft.lessons.length === 1,
  });
}

export function lessonPages(): Router {
  const router = Router();
  const at = '/authoring/:slug/versions/:version/lessons';
  router.get(`${at}/new`, async (req, res) => newLessonPage(req, res, await draftOf(req)));
  router.post(`${at}/new`, addLessonFromForm);
  router.get(`${at}/:key`, async (req, res) => editorPage(req, res, await draftOf(req), KEY(req)));
  router.post(`${at}/:key`, saveLesson);
  router.get(`${at}/:key/remove`, removePage);
  router.post(`${at}/:key/remove`, async (req, res) => {
    const slug = slugOf(req);
    const version = String(req.params.version);
    try {
      await removeLesson(req.user, slug, version, KEY(req), formNumber(req.body?.revision) ?? -1);
      res.redirect(303, versionPath(slug, version, { done: 'lesson-removed' }, '#lessons'));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'stale-revision' && code !== 'immutable' && code !== 'last-lesson') throw error;
      res.redirect(303, versionPath(slug, version, { problem: code === 'last-lesson' ? 'last-lesson' : code }, '#lessons'));
    }
  });
  return router;
}
