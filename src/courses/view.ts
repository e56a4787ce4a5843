import type { Request } from 'express';
import { readerLanguage } from '../i18n/middleware';
import { FALLBACK_LANGUAGE, isSupportedLanguage, type Language, SUPPORTED_LANGUAGES } from '../i18n/languages';
import type { CourseDocument, CourseVersionDocument } from './model';
import type { ProgressDocument } from './progress';

/** The language lessons are read in: `?content=` when given, otherwise the page's language. */
export function contentLanguage(req: Request): Language {
  return isSupportedLanguage(req.query.content) ? req.query.content : readerLanguage(req);
}

/** A per-language value in `lang`, or the English one (metadata exists in all eleven). */
export function localised<Value>(values: Partial<Record<Language, Value>>, lang: Language): Value | undefined {
  return values[lang] ?? values[FALLBACK_LANGUAGE];
}

/** The languages in which every lesson of a version can be read. */
export function languagesOf(version: CourseVersionDocument): Language[] {
  return SUPPORTED_LANGUAGES.filter((lang) => version.lessons.length > 0 && version.lessons.every((lesson) => lesson.content[lang]));
}

export interface ProgressSummary {
  done: number;
  total: number;
  passed: boolean;
  complete: boolean;
}

/** Steps are the lessons plus the knowledge check, so a module at 100 % is a complete one. */
export function summarise(progress: ProgressDocument | null, version: CourseVersionDocument): ProgressSummary {
  const keys = new Set(version.lessons.map((lesson) => lesson.key));
  const lessonsDone = progress ? progress.lessons.filter((lesson) => keys.has(lesson.key)).length : 0;
  const passed = Boolean(progress?.attempts.some((attempt) => attempt.passed));
  return { done: lessonsDone + (passed ? 1 : 0), total: version.lessons.length + 1, passed, complete: Boolean(progress?.completedAt) };
}

export function courseTitle(course: CourseDocument, lang: Language): string {
  return localised(course.title, lang) ?? course._id;
}
