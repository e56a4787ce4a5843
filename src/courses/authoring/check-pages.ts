/**
 * The knowledge-check editor, a plain form that works without JavaScript: every question with
 * its options and right answers, the text in one language, a blank question and a blank option
 * to add one, a box to remove one. Structure is shared by all languages (drafts.ts, editCheck).
 */
import { type Request, type Response, Router } from 'express';
import { renderPage } from '../../http/render';
import { statusOf } from './guard';
import { formErrorsFrom, type ShownFieldError, toFieldErrors } from '../../http/validate';
import { LANGUAGE_AUTONYMS, type Language, SUPPORTED_LANGUAGES } from '../../i18n/languages';
import { readerLanguage } from '../../i18n/middleware';
import { checkEditSchema } from '../authoring-api';
import { editCheck, type QuestionInput } from '../drafts';
import { findCourse, findDraft } from '../draft-guard';
import { CourseVersion, type CourseVersionDocument } from '../model';
import { courseTitle } from '../view';
import { editedLanguage, formNumber, slugOf, versionPath } from './guard';

const MAX_QUESTIONS = 40;
const MAX_OPTIONS = 8;
const OPTION_KEYS = 'abcdefghijklmnopqrstuvwxyz'.split('');

/** One question as the form shows it: its place in the form names its fields (`q-3-prompt`). */
interface QuestionSlot {
  index: number;
  key: string;
  prompt: string;
  feedback: string;
  options: Array<{ index: number; key: string; text: string; correct: boolean; english?: string | undefined }>;
  english?: { prompt: string; feedback: string } | undefined;
}

function slotsFromDraft(draft: CourseVersionDocument, lang: Language): QuestionSlot[] {
  return draft.questions.map((question, index) => {
    const text = question.text[lang];
    const english = lang === 'en' ? undefined : question.text.en;
    return {
      index,
      key: question.key,
      prompt: text?.prompt ?? '',
      feedback: text?.feedback ?? '',
      options: question.optionKeys.map((key, optionIndex) => ({
        index: optionIndex,
        key,
        text: text?.options?.[key] ?? '',
        correct: question.correct.includes(key),
        english: english?.options?.[key],
      })),
      english: english && { prompt: english.prompt, feedback: english.feedback },
    };
  });
}

const field = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
const ticked = (body: Record<string, unknown>, name: string) => {
  const value = body[name];
  return (Array.isArray(value) ? value : [value]).filter((entry): entry is string => typeof entry === 'string');
};

/**
 * The form read back: the slots as typed (to show again), and the check to save with, for each
 * saved question and option, the form field it came from (to put errors next to it).
 */
function readForm(body: Record<string, unknown>, draft: CourseVersionDocument) {
  const slots: QuestionSlot[] = [];
  const questions: QuestionInput[] = [];
  const fieldOf: Array<{ question: number; options: number[] }> = [];
  const usedKeys = new Set(draft.questions.map((question) => question.key));
  const count = Math.min(formNumber(body.questions) ?? 0, MAX_QUESTIONS + 1);
  for (let index = 0; index < count; index += 1) {
    const name = (suffix: string) => `q-${index}-${suffix}`;
    const existing = draft.questions.find((question) => question.key === field(body, name('key')));
    const optionCount = Math.min(formNumber(body[name('options')]) ?? 0, MAX_OPTIONS + 1);
    const correct = ticked(body, name('correct'));
    const options = Array.from({ length: optionCount }, (_, optionIndex) => ({
      index: optionIndex,
      key: existing?.optionKeys.includes(field(body, name(`o-${optionIndex}-key`))) ? field(body, name(`o-${optionIndex}-key`)) : '',
      text: field(body, name(`o-${optionIndex}-text`)),
      correct: correct.includes(String(optionIndex)),
    }));
    const slot: QuestionSlot = { index, key: existing?.key ?? '', prompt: field(body, name('prompt')), feedback: field(body, name('feedback')), options };
    slots.push(slot);
    const blank = !existing && slot.prompt.trim() === '' && slot.feedback.trim() === '' && options.every((option) => option.text.trim() === '');
    if (body[name('remove')] === 'yes' || blank) continue;
    // A new question gets the next free key; an option left empty is taken out.
    let key = existing?.key;
    for (let number = questions.length + 1; !key; number += 1) if (!usedKeys.has(`q${number}`)) key = `q${number}`;
    usedKeys.add(key);
    const kept = options.filter((option) => option.text.trim() !== '');
    const optionKeys = new Set(kept.map((option) => option.key).filter(Boolean));
    const keyed = kept.map((option) => {
      if (option.key) return option;
      const letter = OPTION_KEYS.find((candidate) => !optionKeys.has(candidate))!;
      optionKeys.add(letter);
      return { ...option, key: letter };
    });
    questions.push({
      key,
      prompt: slot.prompt,
      feedback: slot.feedback,
      options: keyed.map((option) => ({ key: option.key, text: option.text })),
      correct: keyed.filter((option) => option.correct).map((option) => option.key),
    });
    fieldOf.push({ question: index, options: keyed.map((option) => option.index) });
  }
  return { slots, questions, fieldOf };
}

/** `questions.2.options.1.text` (the saved check) → `q-4-o-1-text` (the form field it came from). */
function toFormPath(path: string, fieldOf: Array<{ question: number; options: number[] }>): string {
  const match = /^questions\.(\d+)(?:\.(\w+)(?:\.(\d+)(?:\.(\w+))?)?)?/.exec(path);
  if (!match) return 'questions';
  const place = fieldOf[Number(match[1])];
  if (!place) return 'questions';
  const [, , part, option, optionPart] = match;
  if (part === 'options' && option !== undefined) return `q-${place.question}-o-${place.options[Number(option)] ?? 0}-${optionPart ?? 'text'}`;
  if (part === 'prompt' || part === 'feedback' || part === 'correct') return `q-${place.question}-${part}`;
  return `q-${place.question}-${part === 'options' ? 'correct' : 'prompt'}`;
}

/** Adds an empty question, and an empty option to each question, for authors to fill in. */
function withBlanks(slots: QuestionSlot[]): QuestionSlot[] {
  const next = slots.length;
  const padded = slots.map((slot) => (slot.options.length < MAX_OPTIONS ? { ...slot, options: [...slot.options, { index: slot.options.length, key: '', text: '', correct: false }] } : slot));
  if (slots.length >= MAX_QUESTIONS) return padded;
  const blankOptions = Array.from({ length: 4 }, (_, index) => ({ index, key: '', text: '', correct: false }));
  return [...padded, { index: next, key: '', prompt: '', feedback: '', options: blankOptions }];
}

async function checkPage(req: Request, res: Response, draft: CourseVersionDocument, state: { slots?: QuestionSlot[]; errors?: ShownFieldError[]; revision?: number } = {}, status = 200) {
  const editing = editedLanguage(req.body?.lang ?? req.query.content);
  const course = await findCourse(draft.course);
  const slots = state.slots ?? slotsFromDraft(draft, editing);
  await renderPage(
    res,
    'courses/authoring/check',
    {
      title: req.t('authoring:check.title', { language: LANGUAGE_AUTONYMS[editing] }),
      moduleTitle: courseTitle(course, readerLanguage(req)),
      slug: draft.course,
      version: draft.version,
      editing,
      editingName: LANGUAGE_AUTONYMS[editing],
      revision: state.revision ?? draft.revision,
      questions: state.slots ? slots.map((slot, index) => ({ ...slot, english: slotsFromDraft(draft, editing)[index]?.english })) : withBlanks(slots),
      languages: SUPPORTED_LANGUAGES.map((code) => ({ code, name: LANGUAGE_AUTONYMS[code], current: code === editing })),
      errors: state.errors ?? [],
    },
    status,
  );
}

async function saveCheck(req: Request, res: Response) {
  const draft = await findDraft(slugOf(req), String(req.params.version));
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const lang = editedLanguage(body.lang);
  const { slots, questions, fieldOf } = readForm(body, draft);
  const revision = formNumber(body.revision);
  const parsed = checkEditSchema.safeParse({ lang, questions, revision });
  if (!parsed.success) {
    const errors = toFieldErrors(parsed.error.issues, req.t).map((error) => ({ ...error, path: toFormPath(error.path, fieldOf) }));
    return checkPage(req, res, draft, { slots, errors, ...(revision !== undefined ? { revision } : {}) }, 400);
  }
  try {
    await editCheck(req.user, draft.course, draft.version, parsed.data);
    res.redirect(303, versionPath(draft.course, draft.version, { done: 'check-saved' }, '#check'));
  } catch (error) {
    const shown = formErrorsFrom(error, req.t);
    if (!shown) throw error;
    const current = await CourseVersion.findById(draft._id).lean();
    const errors = shown.map((entry) => ({ ...entry, path: entry.path.startsWith('questions.') ? toFormPath(entry.path, fieldOf) : entry.path }));
    await checkPage(req, res, current ?? draft, { slots, errors, ...(current ? { revision: current.revision } : {}) }, statusOf(error));
  }
}

export function checkPages(): Router {
  const router = Router();
  router.get('/authoring/:slug/versions/:version/check', async (req, res) => checkPage(req, res, await findDraft(slugOf(req), String(req.params.version))));
  router.post('/authoring/:slug/versions/:version/check', saveCheck);
  return router;
}
