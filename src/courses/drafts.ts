/**
 * Editing a draft: its lessons (text per language, adding, removing, ordering), its knowledge
 * check and its changelog. Each operation is a pure change of the draft handed to
 * `mutateDraft`, which saves it only if nobody saved the draft meanwhile.
 */
import { createHash } from 'node:crypto';
import type { SessionUser } from '../accounts/session-user';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors';
import type { Language } from '../i18n/languages';
import { mutateDraft } from './draft-guard';
import type { CourseVersionDocument, LessonDocument, QuestionDocument } from './model';

/** Lesson, question and option keys: lower-case words joined by hyphens (they name files and URLs). */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,59}$/;

/** As the importer computes it (files/read.ts): equal hashes mean an unchanged lesson. */
export function lessonHash(title: string, minutes: number, body: string): string {
  return createHash('sha256').update(JSON.stringify([title, minutes, body.trim()])).digest('hex');
}

/** The English text is the reference: only its change makes learners redo the lesson. */
function withHash(lesson: LessonDocument): LessonDocument {
  const english = lesson.content.en;
  return { ...lesson, contentHash: english ? lessonHash(english.title, lesson.minutes, english.body) : lessonHash(lesson.key, lesson.minutes, '') };
}

/** Browsers send text areas with CRLF line ends; stored text (and its hash) uses LF only. */
export function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
}

function lessonIndex(draft: CourseVersionDocument, key: string): number {
  const index = draft.lessons.findIndex((lesson) => lesson.key === key);
  if (index < 0) throw new NotFoundError('no such lesson in this version');
  return index;
}

/** "Working with families: a first conversation" → "working-with-families-a-first-conversation". */
export function keyFromTitle(title: string, taken: Iterable<string>, fallback = 'lesson'): string {
  const base =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50)
      .replace(/-+$/, '') || fallback;
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let suffix = 2; ; suffix += 1) if (!used.has(`${base}-${suffix}`)) return `${base}-${suffix}`;
}

export interface LessonEdit {
  lang: Language;
  title: string;
  body: string;
  minutes?: number | undefined;
  /** The draft's revision the editor started from. */
  revision: number;
}

/** Changes one lesson of a draft in one language. */
export function editLesson(user: SessionUser | undefined, slug: string, version: string, key: string, edit: LessonEdit): Promise<CourseVersionDocument> {
  return mutateDraft(user, slug, version, edit.revision, (draft) => {
    const index = lessonIndex(draft, key);
    const lesson = draft.lessons[index]!;
    const changed = withHash({
      ...lesson,
      minutes: edit.minutes ?? lesson.minutes,
      content: { ...lesson.content, [edit.lang]: { title: normaliseText(edit.title), body: normaliseText(edit.body) } },
    });
    return { lessons: draft.lessons.map((item, position) => (position === index ? changed : item)) };
  });
}

export interface LessonAddition extends LessonEdit {
  /** Derived from the title when absent. */
  key?: string | undefined;
  minutes: number;
  /** 0-based place among the lessons; at the end when absent. */
  position?: number | undefined;
}

/** Adds a lesson, written in one language; the others show the English text until translated. */
export async function addLesson(user: SessionUser | undefined, slug: string, version: string, addition: LessonAddition): Promise<{ draft: CourseVersionDocument; key: string }> {
  let key = '';
  const draft = await mutateDraft(user, slug, version, addition.revision, (current) => {
    // `new` names the page that adds a lesson: no lesson may take that address.
    const taken = [...current.lessons.map((lesson) => lesson.key), 'new'];
    if (addition.key !== undefined && taken.includes(addition.key)) {
      throw new ValidationError([{ path: 'key', key: 'courses:errors.key-taken' }], `a lesson with the key ${addition.key} exists`);
    }
    key = addition.key ?? keyFromTitle(addition.title, taken);
    const lesson = withHash({ key, minutes: addition.minutes, contentHash: '', content: { [addition.lang]: { title: normaliseText(addition.title), body: normaliseText(addition.body) } } });
    const lessons = [...current.lessons];
    lessons.splice(Math.min(addition.position ?? lessons.length, lessons.length), 0, lesson);
    return { lessons };
  });
  return { draft, key };
}

/** Removes a lesson from the draft (in every language); the last one stays. */
export function removeLesson(user: SessionUser | undefined, slug: string, version: string, key: string, revision: number): Promise<CourseVersionDocument> {
  return mutateDraft(user, slug, version, revision, (draft) => {
    lessonIndex(draft, key);
    if (draft.lessons.length === 1) {
      throw new ConflictError('a version keeps at least one lesson', 'last-lesson', [{ path: 'key', key: 'courses:errors.last-lesson' }]);
    }
    return { lessons: draft.lessons.filter((lesson) => lesson.key !== key) };
  });
}

/** Puts the lessons in the order given: every key of the draft, each once. */
export function reorderLessons(user: SessionUser | undefined, slug: string, version: string, order: string[], revision: number): Promise<CourseVersionDocument> {
  return mutateDraft(user, slug, version, revision, (draft) => {
    const keys = draft.lessons.map((lesson) => lesson.key);
    const permutation = order.length === keys.length && new Set(order).size === order.length && order.every((key) => keys.includes(key));
    if (!permutation) throw new ValidationError([{ path: 'order', key: 'courses:errors.order-mismatch', values: { keys: keys.join(', ') } }]);
    return { lessons: order.map((key) => draft.lessons.find((lesson) => lesson.key === key)!) };
  });
}

/** Moves one lesson a place up or down (the web editor's buttons). */
export function moveLesson(user: SessionUser | undefined, slug: string, version: string, key: string, direction: 'up' | 'down', revision: number): Promise<CourseVersionDocument> {
  return mutateDraft(user, slug, version, revision, (draft) => {
    const index = lessonIndex(draft, key);
    const target = direction === 'up' ? index - 1 : index + 1;
    if (target < 0 || target >= draft.lessons.length) return { lessons: draft.lessons };
    const lessons = [...draft.lessons];
    [lessons[index], lessons[target]] = [lessons[target]!, lessons[index]!];
    return { lessons };
  });
}

export interface QuestionInput {
  key: string;
  prompt: string;
  options: Array<{ key: string; text: string }>;
  correct: string[];
  feedback: string;
}

export interface CheckEdit {
  lang: Language;
  questions: QuestionInput[];
  revision: number;
}

/** Structural mistakes of a check, each named by its place (`questions.2.correct`). */
function checkProblems(questions: QuestionInput[]) {
  const problems: Array<{ path: string; key: string }> = [];
  const seen = new Set<string>();
  questions.forEach((question, index) => {
    if (seen.has(question.key)) problems.push({ path: `questions.${index}.key`, key: 'courses:errors.key-taken' });
    seen.add(question.key);
    const options = question.options.map((option) => option.key);
    if (new Set(options).size !== options.length) problems.push({ path: `questions.${index}.options`, key: 'courses:errors.key-taken' });
    if (question.correct.length === 0 || question.correct.some((key) => !options.includes(key))) {
      problems.push({ path: `questions.${index}.correct`, key: 'courses:errors.correct-not-option' });
    }
  });
  return problems;
}

/**
 * Replaces the knowledge check: its questions, options and correct answers (the same in every
 * language) and their text in `lang`. Text in other languages is kept for what still exists;
 * a new question or option is missing there until translated.
 */
export function editCheck(user: SessionUser | undefined, slug: string, version: string, edit: CheckEdit): Promise<CourseVersionDocument> {
  return mutateDraft(user, slug, version, edit.revision, (draft) => {
    const problems = checkProblems(edit.questions);
    if (problems.length > 0) throw new ValidationError(problems);
    const questions: QuestionDocument[] = edit.questions.map((input) => {
      const before = draft.questions.find((question) => question.key === input.key);
      const optionKeys = input.options.map((option) => option.key);
      const text: QuestionDocument['text'] = {};
      for (const [lang, translated] of Object.entries(before?.text ?? {}) as Array<[Language, QuestionDocument['text'][Language]]>) {
        if (!translated || lang === edit.lang) continue;
        const options = Object.fromEntries(optionKeys.filter((key) => translated.options?.[key] !== undefined).map((key) => [key, translated.options[key]!]));
        text[lang] = { prompt: translated.prompt, options, feedback: translated.feedback };
      }
      text[edit.lang] = {
        prompt: normaliseText(input.prompt),
        options: Object.fromEntries(input.options.map((option) => [option.key, normaliseText(option.text)])),
        feedback: normaliseText(input.feedback),
      };
      return { key: input.key, optionKeys, correct: input.correct, text };
    });
    return { questions };
  });
}

/** Sets the changelog in one language; an empty text removes that language's changelog. */
export function editChangelog(user: SessionUser | undefined, slug: string, version: string, lang: Language, text: string, revision: number): Promise<CourseVersionDocument> {
  return mutateDraft(user, slug, version, revision, (draft) => {
    const changelog = { ...draft.changelog };
    if (text.trim() === '') delete changelog[lang];
    else changelog[lang] = normaliseText(text);
    return { changelog };
  });
}
