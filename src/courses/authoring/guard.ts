import type { Request, RequestHandler } from 'express';
import { ForbiddenError, NotFoundError } from '../../http/errors';
import { isSupportedLanguage, type Language } from '../../i18n/languages';
import { canAuthor } from '../draft-guard';

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Authoring pages: visitors sign in and come back; signed-in learners are refused. */
export const authorsOnly: RequestHandler = (req, res, next) => {
  if (!req.user) {
    const back = req.method === 'GET' ? req.originalUrl : '/authoring';
    res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(back)}`);
    return;
  }
  next(canAuthor(req.user) ? undefined : new ForbiddenError('only trainers, coordinators and administrators write course content'));
};

/** The `:slug` of the URL, or 404 before any query when it cannot be one. */
export function slugOf(req: Request): string {
  const slug = String(req.params.slug);
  if (!SLUG.test(slug)) throw new NotFoundError();
  return slug;
}

/** The language a form or link is about: `lang` in the body or query, English by default. */
export function editedLanguage(value: unknown): Language {
  return isSupportedLanguage(value) ? value : 'en';
}

/** Where the version page is, with an outcome to announce (`done`) or a problem (`problem`). */
export function versionPath(slug: string, version: string, outcome?: { done?: string; problem?: string }, anchor = ''): string {
  const query = outcome?.done ? `?done=${outcome.done}` : outcome?.problem ? `?problem=${outcome.problem}` : '';
  return `/authoring/${slug}/versions/${version}${query}${anchor}`;
}

/** A whole number from a form field, or undefined (zod then names the field). */
export function formNumber(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/** The HTTP status of a service refusal shown again on its form (400 bad input, 409 conflict). */
export function statusOf(error: unknown): number {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 409;
}
