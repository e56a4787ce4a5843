/**
 * `GET /api/v1/courses/{slug}/diff`: its query and its answer, as zod schemas (the router
 * validates with the first; the OpenAPI document and test/openapi use the second).
 */
import { z } from 'zod';
import { SUPPORTED_LANGUAGES } from '../../i18n/languages';
import { VERSION_STATUSES } from '../model';
import { SEMVER } from '../draft-guard';
import { LATEST } from '../versions';

const language = z.enum(SUPPORTED_LANGUAGES);
const versionRef = () => z.string().refine((value) => value === LATEST || SEMVER.test(value), { message: 'a version such as 1.1.0, or latest' });

export const courseDiffQuery = z.strictObject({
  from: versionRef().meta({ description: 'The version to compare from (usually the older): `1.0.0`, or `latest` for the latest published one.' }),
  to: versionRef().meta({ description: 'The version to compare to (usually the newer): `1.1.0`, or `latest` for the latest published one.' }),
  lang: language.optional().meta({ description: 'Only this language gets per-language detail; names of lessons and questions are in it too.' }),
});

const status = z.enum(['added', 'removed', 'changed', 'unchanged']);
const count = z.number().int().min(0);
const position = z.number().int().min(1).nullable();

const part = z.strictObject({
  type: z.enum(['same', 'added', 'removed']),
  text: z.string(),
});
const line = z.strictObject({
  type: z.enum(['context', 'added', 'removed']),
  text: z.string(),
  oldNumber: z.number().int().min(1).nullable(),
  newNumber: z.number().int().min(1).nullable(),
  parts: z.array(part).optional().meta({ description: 'For a changed line paired with its counterpart: its words, the differing ones marked.' }),
});
const textDiff = z
  .strictObject({
    hunks: z.array(
      z.strictObject({
        oldStart: z.number().int().min(0),
        oldLines: count,
        newStart: z.number().int().min(0),
        newLines: count,
        lines: z.array(line),
      }),
    ),
    truncated: z.boolean().meta({ description: 'Some differences were left out to keep the answer small.' }),
  })
  .meta({ description: 'Changed lines with up to 3 lines of context around them, like a unified diff.' });
const fieldChange = z.strictObject({
  before: z.string().nullable(),
  after: z.string().nullable(),
  parts: z.array(part),
});
const counts = z.strictObject({ added: count, removed: count, changed: count, unchanged: count, moved: count });
const side = z.strictObject({
  version: z.string(),
  status: z.enum(VERSION_STATUSES),
  publishedAt: z.iso.datetime({ offset: true }).nullable(),
});

export const courseDiffSchema = z.strictObject({
  slug: z.string(),
  from: side,
  to: side,
  lang: language.nullable().meta({ description: 'The language the detail is limited to; null for all.' }),
  summary: z.strictObject({
    lessons: counts,
    questions: counts,
    changelog: z.boolean().meta({ description: 'Whether the changelog differs in any language.' }),
    languages: z.array(language).meta({ description: 'The languages in which anything changed.' }),
  }),
  lessons: z.array(
    z.strictObject({
      key: z.string(),
      status,
      moved: z.boolean().meta({ description: 'Its order among the lessons of both versions changed.' }),
      position: z.strictObject({ before: position, after: position }),
      title: z.string(),
      minutes: z.strictObject({ before: z.number().int().nullable(), after: z.number().int().nullable() }),
      languages: z.array(z.strictObject({ lang: language, status, title: fieldChange.optional(), body: textDiff.optional() })),
    }),
  ),
  questions: z.array(
    z.strictObject({
      key: z.string(),
      status,
      moved: z.boolean(),
      position: z.strictObject({ before: position, after: position }),
      prompt: z.string(),
      options: z.strictObject({ before: z.array(z.string()), after: z.array(z.string()) }).nullable(),
      correct: z.strictObject({ before: z.array(z.string()), after: z.array(z.string()) }).nullable(),
      languages: z.array(
        z.strictObject({
          lang: language,
          status,
          prompt: fieldChange.optional(),
          options: z.array(z.strictObject({ key: z.string(), status, text: fieldChange })).optional(),
          feedback: textDiff.optional(),
        }),
      ),
    }),
  ),
  changelog: z.array(z.strictObject({ lang: language, status, text: textDiff.optional() })),
});
