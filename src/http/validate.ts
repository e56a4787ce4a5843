import type { Request } from 'express';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { AppError, type FieldError, ValidationError } from './errors';

/** A field error as a form or the API shows it: always with a message. */
export interface ShownFieldError {
  path: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

/** The `errors:field.*` key (and its values) that words a zod issue. */
export function issueKey(issue: Issue): { key: string; values?: Record<string, string | number> } {
  switch (issue.code) {
    case 'invalid_type':
      return { key: issue.input === undefined ? 'errors:field.required' : 'errors:field.invalid' };
    case 'too_small':
      return issue.origin === 'string'
        ? { key: 'errors:field.too-short', values: { count: Number(issue.minimum) } }
        : { key: 'errors:field.too-small', values: { minimum: Number(issue.minimum) } };
    case 'too_big':
      return issue.origin === 'string'
        ? { key: 'errors:field.too-long', values: { count: Number(issue.maximum) } }
        : { key: 'errors:field.too-big', values: { maximum: Number(issue.maximum) } };
    case 'invalid_value':
      return { key: 'errors:field.invalid-choice' };
    case 'invalid_format':
      return { key: issue.format === 'email' ? 'errors:field.invalid-email' : 'errors:field.invalid' };
    case 'unrecognized_keys':
      return { key: 'errors:field.unknown', values: { fields: issue.keys.join(', ') } };
    default:
      return { key: 'errors:field.invalid' };
  }
}

/** A zod issue as a sentence in the reader's language (`errors:field.*`). */
export function describeIssue(issue: Issue, t: TFunction): string {
  const { key, values } = issueKey(issue);
  return String(t(key, values ?? {}));
}

export function toFieldErrors(issues: Issue[], t: TFunction): ShownFieldError[] {
  const pathOf = (issue: Issue) => issue.path.map(String).join('.');
  // A value of the wrong type says all there is to say: zod 4 may also measure it against the
  // intended type's limits (a text given for a list of at most 4 is "at most 4 characters").
  const mistyped = new Set(issues.filter((issue) => issue.code === 'invalid_type').map(pathOf));
  return issues.filter((issue) => issue.code === 'invalid_type' || !mistyped.has(pathOf(issue))).map((issue) => ({ path: pathOf(issue), message: describeIssue(issue, t) }));
}

/** Parses untrusted input with a schema; bad input becomes a localised 400, never a 500. */
export function parseInput<Schema extends z.ZodType>(req: Request, schema: Schema, input: unknown): z.output<Schema> {
  // reportInput: without it zod 4 leaves `input` out of issues, and a wrong type would read as "required".
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ValidationError(toFieldErrors(result.error.issues, req.t));
  return result.data;
}

/** Field errors with every message in the reader's language. */
export function localiseFieldErrors(errors: FieldError[], t: TFunction): ShownFieldError[] {
  return errors.map((error) => ({
    path: error.path,
    message: error.key ? String(t(error.key, error.values ?? {})) : (error.message ?? String(t('errors:field.invalid'))),
  }));
}

/**
 * The field errors a service raised, ready for the form to show again; undefined for any
 * other error, which then goes on to the error handler.
 */
export function formErrorsFrom(error: unknown, t: TFunction): ShownFieldError[] | undefined {
  return error instanceof AppError && error.fieldErrors ? localiseFieldErrors(error.fieldErrors, t) : undefined;
}

/** The text a form sent for `fields`, to show again after an error; list no password field here. */
export function keptFormValues(body: unknown, fields: string[]): Record<string, string | undefined> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field, typeof source[field] === 'string' ? (source[field] as string) : undefined]));
}
