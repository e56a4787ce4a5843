import type { Request, RequestHandler } from 'express';
import { readerLanguage } from '../i18n/middleware';
import { listCountries } from '../reference/service';
import type { Labels } from './present';

/** Administration pages: a visitor who is not signed in is sent to sign in, then back here. */
export const signedInOnly: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  // After a refused form post there is no page to return to but the list.
  const returnTo = req.method === 'GET' ? req.originalUrl : '/admin/users';
  res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
};

/** The countries (reference data) as options, and the names the pages use for codes. */
export async function countryLabels(req: Request): Promise<{ labels: Labels; options: Array<{ value: string; label: string }> }> {
  const lang = readerLanguage(req);
  const countries = await listCountries(lang);
  return {
    labels: { t: req.t, lang, countryNames: new Map(countries.map((country) => [country.code, country.name])) },
    options: countries.map((country) => ({ value: country.code, label: country.name })),
  };
}

/** A form field sent once, many times or not at all (checkboxes), as a list of strings. */
export function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function requestIdOf(req: Request): string | undefined {
  return req.id === undefined ? undefined : String(req.id);
}

/** A link to another page of a filtered list: the same filters, another page number. */
export function pageHref(path: string, filters: Record<string, string | number | undefined>, page: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export interface Pager {
  page: number;
  pages: number;
  previous?: string | undefined;
  next?: string | undefined;
}

export function pagerFor(path: string, filters: Record<string, string | number | undefined>, page: number, pageSize: number, total: number): Pager {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return {
    page,
    pages,
    previous: page > 1 ? pageHref(path, filters, Math.min(page - 1, pages)) : undefined,
    next: page < pages ? pageHref(path, filters, page + 1) : undefined,
  };
}
