import { z } from 'zod';
import { SUPPORTED_LANGUAGES } from '../../i18n/languages';
import { MODULE_SLUGS } from '../../programme';

export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
export const CONTENT_KEY = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const text = z.string().trim().min(1);
const language = z.enum(SUPPORTED_LANGUAGES);
/** Text per language; English is required (the fallback every reader can get). */
const perLanguage = <Value extends z.ZodType>(value: Value) =>
  z.partialRecord(language, value).refine((record) => record.en !== undefined, { message: 'English (en) is required' });

export const moduleFileSchema = z.strictObject({
  order: z.int().min(1).max(MODULE_SLUGS.length),
  title: perLanguage(text),
  summary: perLanguage(text),
  objectives: perLanguage(z.array(text).min(1)),
  audience: perLanguage(z.array(text).min(1)),
});
export type ModuleFile = z.output<typeof moduleFileSchema>;

export const versionFileSchema = z.strictObject({
  version: z.string().regex(SEMVER, 'a semantic version such as 1.2.0'),
  /** YAML reads an unquoted date as a Date; a quoted one stays text. */
  published: z.union([z.date(), z.iso.date().transform((value) => new Date(`${value}T00:00:00Z`))]),
  status: z.enum(['published', 'archived']).default('published'),
  lessons: z
    .array(z.string().regex(CONTENT_KEY, 'lower-case words joined by "-"'))
    .min(1)
    .refine((keys) => new Set(keys).size === keys.length, { message: 'a lesson is listed twice' }),
  changelog: perLanguage(text),
});
export type VersionFile = z.output<typeof versionFileSchema>;

export const lessonFrontMatterSchema = z.strictObject({
  key: z.string().regex(CONTENT_KEY),
  title: text,
  minutes: z.int().min(1).max(480),
});

const optionSchema = z.strictObject({ key: z.string().regex(CONTENT_KEY), text });
export const checkFileSchema = z.strictObject({
  questions: z
    .array(
      z
        .strictObject({
          key: z.string().regex(CONTENT_KEY),
          prompt: text,
          options: z.array(optionSchema).min(2),
          correct: z.array(z.string()).min(1),
          feedback: text,
        })
        .refine((question) => question.correct.every((key) => question.options.some((option) => option.key === key)), {
          message: 'a correct answer is not one of the options',
          path: ['correct'],
        }),
    )
    .min(1),
});
export type CheckFile = z.output<typeof checkFileSchema>;
