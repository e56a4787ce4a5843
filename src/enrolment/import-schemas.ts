/**
 * The OpenAPI shapes of `POST /api/v1/sessions/:id/enrolments/import` (csv-import.ts): the
 * multipart request and the report it answers with.
 */
import { z } from 'zod';

/** The multipart body (a `text/csv` body of the file alone is accepted too). */
export const enrolmentImportUploadSchema = z.strictObject({
  file: z.string().meta({
    format: 'binary',
    description:
      'A CSV file of at most 2 MB and 1,000 rows, with a header line naming its columns: `name` and `email` (required), `organisation`, `sector` (one of the account sectors, e.g. `local-government`, or its name) and `language` (one of `en fr nl de cs es ca el it pt sv`). Columns may be named in English or an interface language; separated by `,`, `;` or tabs; UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252.',
  }),
});

export const enrolmentImportRowSchema = z.strictObject({
  line: z.number().int().min(1).meta({ description: 'The line of the file the row starts on (the header is line 1).' }),
  email: z.string(),
  name: z.string(),
  outcome: z.enum(['enrolled', 'waitlisted', 'invited', 'already', 'rejected']).meta({ description: '`invited`: someone the importer may not see, or an address without an account, was asked by mail.' }),
  reason: z
    .enum([
      'invalid-email',
      'missing-name',
      'name-too-long',
      'organisation-too-long',
      'unknown-sector',
      'unknown-language',
      'repeated-in-file',
      'account-disabled',
      'session-not-open',
      'deadline-passed',
      'already-enrolled',
      'already-waitlisted',
      'already-invited',
    ])
    .optional()
    .meta({ description: 'Why the row was rejected, or where the person already was.' }),
  position: z.number().int().min(1).optional().meta({ description: 'On the waiting list: the rank now.' }),
});

export const enrolmentImportReportSchema = z.strictObject({
  encoding: z.enum(['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252']).meta({ description: 'How the file was read.' }),
  separator: z.enum([',', ';', '\t']),
  rows: z.array(enrolmentImportRowSchema),
  totals: z.strictObject({
    rows: z.number().int().min(0),
    enrolled: z.number().int().min(0),
    waitlisted: z.number().int().min(0),
    invited: z.number().int().min(0),
    already: z.number().int().min(0),
    rejected: z.number().int().min(0),
  }),
});
