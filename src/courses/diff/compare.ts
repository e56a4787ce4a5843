/**
 * What changed between two versions of a course: lessons, the knowledge check and the
 * changelog, per language, down to the words. A pure function of the two versions.
 *
 * Results are bounded: texts are shown as hunks of changed lines with a few lines of context
 * (like a unified diff), each text diff stops after MAX_LINES lines or MAX_CHARS characters
 * (`truncated` says so), and the line and word comparisons give up on pathological inputs
 * (then a changed text is shown as removed and added, without word detail).
 */
import { diffLines, diffWordsWithSpace } from 'diff';
import { FALLBACK_LANGUAGE, type Language, SUPPORTED_LANGUAGES } from '../../i18n/languages';
import type { CourseVersionDocument, LessonDocument, QuestionDocument } from '../model';

export const CONTEXT_LINES = 3;
/** Lines shown per text diff (context included). */
export const MAX_LINES = 400;
/** Characters of line text shown per text diff. */
export const MAX_CHARS = 40_000;
/** Lines longer than this get no word-level detail. */
const MAX_WORD_DIFF_CHARS = 5_000;
/** Bounds the work of the line and word comparisons (jsdiff's `maxEditLength`). */
const MAX_LINE_EDITS = 2_000;
const MAX_WORD_EDITS = 1_000;

export type Status = 'added' | 'removed' | 'changed' | 'unchanged';

/** A piece of a changed line: `same` text, or text only the old (`removed`) or new (`added`) line has. */
export interface Part {
  type: 'same' | 'added' | 'removed';
  text: string;
}

export interface Line {
  type: 'context' | 'added' | 'removed';
  text: string;
  /** 1-based line numbers in the old and the new text (null where the line is not in it). */
  oldNumber: number | null;
  newNumber: number | null;
  /** For a changed line: its words, marking those that differ from its counterpart. */
  parts?: Part[];
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: Line[];
}

export interface TextDiff {
  hunks: Hunk[];
  /** Some of the differences were left out to keep the result small. */
  truncated: boolean;
}

/** A short one-line field (a title, a prompt, an option): before, after, and its words. */
export interface FieldChange {
  before: string | null;
  after: string | null;
  parts: Part[];
}

export interface LessonLanguageChange {
  lang: Language;
  status: Status;
  /** Only when the lesson changed in this language. */
  title?: FieldChange;
  body?: TextDiff;
}

export interface LessonChange {
  key: string;
  status: Status;
  /** Its place among the lessons both versions have changed (not merely shifted by an addition). */
  moved: boolean;
  /** 1-based positions; null where the lesson is not in that version. */
  position: { before: number | null; after: number | null };
  /** Its title in the label language (else English), from the newer text when there is one. */
  title: string;
  minutes: { before: number | null; after: number | null };
  /** Per language: with the differences for changed lessons; for added and removed ones, only which languages; none for unchanged ones. */
  languages: LessonLanguageChange[];
}

export interface OptionChange {
  key: string;
  status: Status;
  text: FieldChange;
}

export interface QuestionLanguageChange {
  lang: Language;
  status: Status;
  prompt?: FieldChange;
  options?: OptionChange[];
  feedback?: TextDiff;
}

export interface QuestionChange {
  key: string;
  status: Status;
  moved: boolean;
  position: { before: number | null; after: number | null };
  prompt: string;
  options: { before: string[]; after: string[] } | null;
  /** When the right answers changed: the option keys before and after. */
  correct: { before: string[]; after: string[] } | null;
  languages: QuestionLanguageChange[];
}

export interface ChangelogChange {
  lang: Language;
  status: Status;
  text?: TextDiff;
}

export interface CountsOf {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  moved: number;
}

export interface VersionComparison {
  summary: {
    lessons: CountsOf;
    questions: CountsOf;
    changelog: boolean;
    /** The languages in which anything changed. */
    languages: Language[];
  };
  lessons: LessonChange[];
  questions: QuestionChange[];
  changelog: ChangelogChange[];
}

export interface CompareOptions {
  /** Only these languages get per-language detail (all by default). */
  languages?: readonly Language[];
  /** The language of the titles and prompts that name lessons and questions (English by default). */
  labelLanguage?: Language;
}

type Comparable = Pick<CourseVersionDocument, 'lessons' | 'questions' | 'changelog'>;

// ---------------------------------------------------------------------------------------------
// Texts.

const normalise = (text: string) => text.replace(/\r\n?/g, '\n');

/** Lines of a text, without their line breaks. */
function linesOf(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Word-level parts of a pair of changed lines; undefined when they have too little in common. */
function wordParts(before: string, after: string): { old: Part[]; new: Part[] } | undefined {
  if (before.length > MAX_WORD_DIFF_CHARS || after.length > MAX_WORD_DIFF_CHARS) return undefined;
  const changes = diffWordsWithSpace(before, after, { maxEditLength: MAX_WORD_EDITS });
  if (!changes) return undefined;
  const common = changes.filter((change) => !change.added && !change.removed).reduce((sum, change) => sum + change.value.trim().length, 0);
  // Two unrelated lines: marking every word says nothing the whole line does not.
  if (common === 0 || common < 0.2 * Math.max(before.trim().length, after.trim().length)) return undefined;
  const old: Part[] = [];
  const fresh: Part[] = [];
  for (const change of changes) {
    if (change.added) fresh.push({ type: 'added', text: change.value });
    else if (change.removed) old.push({ type: 'removed', text: change.value });
    else {
      old.push({ type: 'same', text: change.value });
      fresh.push({ type: 'same', text: change.value });
    }
  }
  return { old: merge(old), new: merge(fresh) };
}

function merge(parts: Part[]): Part[] {
  const merged: Part[] = [];
  for (const part of parts) {
    const last = merged.at(-1);
    if (last && last.type === part.type) last.text += part.text;
    else merged.push({ ...part });
  }
  return merged;
}

/** Every line of both texts in order, with its kind and numbers. */
function allLines(before: string, after: string): Line[] {
  const old = normalise(before);
  const fresh = normalise(after);
  const withBreak = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  const changes = diffLines(withBreak(old), withBreak(fresh), { maxEditLength: MAX_LINE_EDITS }) ?? [
    // Too different to compare in reasonable time: everything went, everything came.
    { value: withBreak(old), removed: true, added: false, count: 0 },
    { value: withBreak(fresh), removed: false, added: true, count: 0 },
  ];
  const lines: Line[] = [];
  let oldNumber = 0;
  let newNumber = 0;
  for (const change of changes) {
    for (const text of linesOf(change.value)) {
      if (change.removed) lines.push({ type: 'removed', text, oldNumber: ++oldNumber, newNumber: null });
      else if (change.added) lines.push({ type: 'added', text, oldNumber: null, newNumber: ++newNumber });
      else lines.push({ type: 'context', text, oldNumber: ++oldNumber, newNumber: ++newNumber });
    }
  }
  return lines;
}

/** Pairs each run of removed lines with the added run that follows, for word-level parts. */
function addWordParts(lines: Line[]): void {
  let index = 0;
  while (index < lines.length) {
    if (lines[index]!.type !== 'removed') {
      index += 1;
      continue;
    }
    const removedStart = index;
    while (index < lines.length && lines[index]!.type === 'removed') index += 1;
    const addedStart = index;
    while (index < lines.length && lines[index]!.type === 'added') index += 1;
    const pairs = Math.min(addedStart - removedStart, index - addedStart);
    for (let offset = 0; offset < pairs; offset += 1) {
      const old = lines[removedStart + offset]!;
      const fresh = lines[addedStart + offset]!;
      const parts = wordParts(old.text, fresh.text);
      if (parts) {
        old.parts = parts.old;
        fresh.parts = parts.new;
      }
    }
  }
}

/** The differences between two texts as hunks with CONTEXT_LINES lines of context; bounded. */
export function diffText(before: string, after: string): TextDiff {
  const lines = allLines(before, after);
  const changed = lines.map((line, index) => (line.type === 'context' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return { hunks: [], truncated: false };

  // Ranges of lines to show: each change with its context, overlapping ranges joined.
  const ranges: Array<[number, number]> = [];
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT_LINES);
    const end = Math.min(lines.length - 1, index + CONTEXT_LINES);
    const last = ranges.at(-1);
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }

  const hunks: Hunk[] = [];
  let shownLines = 0;
  let shownChars = 0;
  let truncated = false;
  for (const [start, end] of ranges) {
    const hunkLines: Line[] = [];
    for (let index = start; index <= end; index += 1) {
      const line = lines[index]!;
      if (shownLines >= MAX_LINES || shownChars + line.text.length > MAX_CHARS) {
        truncated = true;
        break;
      }
      hunkLines.push({ ...line });
      shownLines += 1;
      shownChars += line.text.length;
    }
    if (hunkLines.length > 0) hunks.push(hunkOf(hunkLines, lines, start));
    if (truncated) break;
  }
  for (const hunk of hunks) addWordParts(hunk.lines);
  return { hunks, truncated };
}

function hunkOf(hunkLines: Line[], all: Line[], start: number): Hunk {
  // Where the hunk starts in each text: the line numbers of the lines before it, plus one.
  let oldBefore = 0;
  let newBefore = 0;
  for (let index = 0; index < start; index += 1) {
    if (all[index]!.oldNumber !== null) oldBefore = all[index]!.oldNumber!;
    if (all[index]!.newNumber !== null) newBefore = all[index]!.newNumber!;
  }
  const oldLines = hunkLines.filter((line) => line.oldNumber !== null).length;
  const newLines = hunkLines.filter((line) => line.newNumber !== null).length;
  return { oldStart: oldBefore + 1, oldLines, newStart: newBefore + 1, newLines, lines: hunkLines };
}

/** A one-line field compared word by word (long or multi-line values get whole-value parts). */
export function diffField(before: string | null | undefined, after: string | null | undefined): FieldChange {
  const old = before ?? null;
  const fresh = after ?? null;
  let parts: Part[];
  if (old === fresh) parts = old === null ? [] : [{ type: 'same', text: old }];
  else if (old === null || fresh === null || old.length > MAX_WORD_DIFF_CHARS || fresh.length > MAX_WORD_DIFF_CHARS) {
    parts = [...(old ? [{ type: 'removed' as const, text: old }] : []), ...(fresh ? [{ type: 'added' as const, text: fresh }] : [])];
  } else {
    const changes = diffWordsWithSpace(old, fresh, { maxEditLength: MAX_WORD_EDITS }) ?? [
      { value: old, removed: true, added: false, count: 0 },
      { value: fresh, removed: false, added: true, count: 0 },
    ];
    parts = merge(changes.map((change) => ({ type: change.added ? 'added' : change.removed ? 'removed' : 'same', text: change.value })));
  }
  return { before: old, after: fresh, parts };
}

// ---------------------------------------------------------------------------------------------
// Lists (lessons, questions).

const statusOf = (before: unknown, after: unknown, same: boolean): Status =>
  before === undefined ? 'added' : after === undefined ? 'removed' : same ? 'unchanged' : 'changed';

/** Deep equality of plain JSON-like values (key order ignored). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => same(item, other[index]));
  }
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return keysA.length === keysB.length && keysA.every((key) => same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * The keys present in both lists whose relative order changed: those outside a longest common
 * subsequence of the two orders. Inserting or removing an item moves nothing else.
 */
function movedKeys(before: string[], after: string[]): Set<string> {
  const inAfter = new Set(after);
  const inBefore = new Set(before);
  const a = before.filter((key) => inAfter.has(key));
  const b = after.filter((key) => inBefore.has(key));
  const table: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const kept = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      kept.add(a[i]!);
      i += 1;
      j += 1;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) i += 1;
    else j += 1;
  }
  return new Set(a.filter((key) => !kept.has(key)));
}

/** Keys in the new order, then removed ones where they were. */
function orderedKeys(before: string[], after: string[]): string[] {
  const keys = [...after];
  const inAfter = new Set(after);
  before.forEach((key, index) => {
    if (inAfter.has(key)) return;
    // After the nearest earlier key that is still listed, else first.
    const earlier = before.slice(0, index).reverse().find((candidate) => keys.includes(candidate));
    keys.splice(earlier === undefined ? 0 : keys.indexOf(earlier) + 1, 0, key);
  });
  return keys;
}

function languagesIn(...values: Array<Partial<Record<Language, unknown>> | undefined>): Language[] {
  return SUPPORTED_LANGUAGES.filter((lang) => values.some((value) => value?.[lang] !== undefined));
}

function label<Value>(values: Partial<Record<Language, Value>> | undefined, lang: Language): Value | undefined {
  return values?.[lang] ?? values?.[FALLBACK_LANGUAGE] ?? (values ? Object.values(values).find((value) => value !== undefined) : undefined);
}

function counts(items: Array<{ status: Status; moved: boolean }>): CountsOf {
  return {
    added: items.filter((item) => item.status === 'added').length,
    removed: items.filter((item) => item.status === 'removed').length,
    changed: items.filter((item) => item.status === 'changed').length,
    unchanged: items.filter((item) => item.status === 'unchanged').length,
    moved: items.filter((item) => item.moved).length,
  };
}

function compareLesson(before: LessonDocument | undefined, after: LessonDocument | undefined, detail: readonly Language[], labelLang: Language) {
  const status = statusOf(before, after, Boolean(before && after && before.minutes === after.minutes && same(before.content, after.content)));
  const changedIn: Language[] = [];
  const languages: LessonLanguageChange[] = [];
  for (const lang of languagesIn(before?.content, after?.content)) {
    const old = before?.content[lang];
    const fresh = after?.content[lang];
    const langStatus = statusOf(old, fresh, same(old, fresh));
    if (langStatus !== 'unchanged') changedIn.push(lang);
    if (!detail.includes(lang)) continue;
    const entry: LessonLanguageChange = { lang, status: langStatus };
    // Bodies only for lessons in both versions: an added or removed lesson is read in full elsewhere.
    if (status === 'changed' && langStatus !== 'unchanged') {
      entry.title = diffField(old?.title, fresh?.title);
      entry.body = diffText(old?.body ?? '', fresh?.body ?? '');
    }
    languages.push(entry);
  }
  const title = label(after?.content, labelLang)?.title ?? label(before?.content, labelLang)?.title ?? (after ?? before)!.key;
  return {
    // An unchanged lesson is unchanged in every language: nothing to list.
    change: { status, title, minutes: { before: before?.minutes ?? null, after: after?.minutes ?? null }, languages: status === 'unchanged' ? [] : languages },
    changedIn: status === 'unchanged' ? [] : changedIn,
  };
}

function compareQuestion(before: QuestionDocument | undefined, after: QuestionDocument | undefined, detail: readonly Language[], labelLang: Language) {
  const sameKeys = (a: string[] | undefined, b: string[] | undefined) => same(a ?? [], b ?? []);
  const sameCorrect = (a: string[] | undefined, b: string[] | undefined) => sameKeys([...(a ?? [])].sort(), [...(b ?? [])].sort());
  const status = statusOf(
    before,
    after,
    Boolean(before && after && sameKeys(before.optionKeys, after.optionKeys) && sameCorrect(before.correct, after.correct) && same(before.text, after.text)),
  );
  const both = status === 'changed';
  const changedIn: Language[] = [];
  const languages: QuestionLanguageChange[] = [];
  for (const lang of languagesIn(before?.text, after?.text)) {
    const old = before?.text[lang];
    const fresh = after?.text[lang];
    const langStatus = statusOf(old, fresh, same(old, fresh));
    if (langStatus !== 'unchanged') changedIn.push(lang);
    if (!detail.includes(lang)) continue;
    const entry: QuestionLanguageChange = { lang, status: langStatus };
    if (both && langStatus !== 'unchanged') {
      entry.prompt = diffField(old?.prompt, fresh?.prompt);
      const optionKeys = orderedKeys(before!.optionKeys, after!.optionKeys);
      entry.options = optionKeys.map((key) => {
        const oldText = old?.options?.[key];
        const newText = fresh?.options?.[key];
        return { key, status: statusOf(oldText, newText, oldText === newText), text: diffField(oldText, newText) };
      });
      entry.feedback = diffText(old?.feedback ?? '', fresh?.feedback ?? '');
    }
    languages.push(entry);
  }
  return {
    change: {
      status,
      prompt: label(after?.text, labelLang)?.prompt ?? label(before?.text, labelLang)?.prompt ?? (after ?? before)!.key,
      options: both && !sameKeys(before!.optionKeys, after!.optionKeys) ? { before: before!.optionKeys, after: after!.optionKeys } : null,
      correct: both && !sameCorrect(before!.correct, after!.correct) ? { before: before!.correct, after: after!.correct } : null,
      languages: status === 'unchanged' ? [] : languages,
    },
    changedIn: status === 'unchanged' ? [] : changedIn,
  };
}

function compareList<Item extends { key: string }, Change extends { status: Status }>(
  before: Item[],
  after: Item[],
  compare: (old: Item | undefined, fresh: Item | undefined) => { change: Change; changedIn: Language[] },
  changedIn: Set<Language>,
) {
  const beforeKeys = before.map((item) => item.key);
  const afterKeys = after.map((item) => item.key);
  const moved = movedKeys(beforeKeys, afterKeys);
  return orderedKeys(beforeKeys, afterKeys).map((key) => {
    const old = before.find((item) => item.key === key);
    const fresh = after.find((item) => item.key === key);
    const result = compare(old, fresh);
    for (const lang of result.changedIn) changedIn.add(lang);
    const position = { before: old ? beforeKeys.indexOf(key) + 1 : null, after: fresh ? afterKeys.indexOf(key) + 1 : null };
    return { key, ...result.change, moved: moved.has(key), position };
  });
}

/** What changed from `from` to `to` (either may be the older: the result reads from → to). */
export function compareVersions(from: Comparable, to: Comparable, options: CompareOptions = {}): VersionComparison {
  const detail = options.languages ?? SUPPORTED_LANGUAGES;
  const labelLang = options.labelLanguage ?? FALLBACK_LANGUAGE;
  const changedIn = new Set<Language>();

  const lessons: LessonChange[] = compareList(from.lessons ?? [], to.lessons ?? [], (old, fresh) => compareLesson(old, fresh, detail, labelLang), changedIn).map(
    ({ key, status, moved, position, title, minutes, languages }) => ({ key, status, moved, position, title, minutes, languages }),
  );
  const questions: QuestionChange[] = compareList(from.questions ?? [], to.questions ?? [], (old, fresh) => compareQuestion(old, fresh, detail, labelLang), changedIn).map(
    ({ key, status, moved, position, prompt, options, correct, languages }) => ({ key, status, moved, position, prompt, options, correct, languages }),
  );

  const changelog: ChangelogChange[] = [];
  let changelogChanged = false;
  for (const lang of languagesIn(from.changelog, to.changelog)) {
    const old = from.changelog?.[lang];
    const fresh = to.changelog?.[lang];
    const status = statusOf(old, fresh, old === fresh);
    if (status !== 'unchanged') {
      changelogChanged = true;
      changedIn.add(lang);
    }
    if (!detail.includes(lang)) continue;
    changelog.push(status === 'unchanged' ? { lang, status } : { lang, status, text: diffText(old ?? '', fresh ?? '') });
  }

  return {
    summary: {
      lessons: counts(lessons),
      questions: counts(questions),
      changelog: changelogChanged,
      languages: SUPPORTED_LANGUAGES.filter((lang) => changedIn.has(lang)),
    },
    lessons,
    questions,
    changelog,
  };
}
