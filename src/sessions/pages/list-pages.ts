/**
 * Finding sessions on the web (issue 5, point 3): a filtered list, and a month calendar, with
 * times in each session's zone. Filters are a GET form, so a result is a link to share.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { renderPage } from '../../http/render';
import { toFieldErrors } from '../../http/validate';
import { LANGUAGE_AUTONYMS, SUPPORTED_LANGUAGES } from '../../i18n/languages';
import { readerLanguage } from '../../i18n/middleware';
import { allCourses } from '../../courses/published';
import { listCities, listCountries } from '../../reference/service';
import { findSessions, sessionListQuery } from '../find';
import { namesFor } from '../present';
import { sessionForPage } from './view';

const PAGE_SIZE = 20;
/** The list's filters; anything else in the query (`lang`, a stray parameter) is left to others. */
const listFilters = sessionListQuery.omit({ page: true, pageSize: true, lang: true, status: true }).extend({ page: z.coerce.number().int().min(1).max(10_000).default(1) });
const FILTER_NAMES = ['country', 'city', 'course', 'language', 'from', 'to'] as const;

/** Keeps the filters a reader chose in the links of the page (paging, calendar). */
export function filterQuery(values: Record<string, unknown>, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (typeof values[name] === 'string' && values[name] !== '') params.set(name, values[name] as string);
  for (const [name, value] of Object.entries(extra)) params.set(name, String(value));
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** The options of the filter form, in the reader's language. */
export async function filterChoices(req: Request) {
  const lang = readerLanguage(req);
  const [countries, cities, courses] = await Promise.all([listCountries(lang), listCities({}, lang), allCourses()]);
  return {
    countries: countries.map((country) => ({ value: country.code, label: country.name })),
    cityGroups: countries.map((country) => ({ label: country.name, options: cities.filter((city) => city.country === country.code).map((city) => ({ value: city.id, label: city.name })) })),
    courses: courses.map((course) => ({ value: course._id, label: course.title[lang] ?? course.title.en ?? course._id })),
    languages: SUPPORTED_LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_AUTONYMS[code] })),
  };
}

/** Empty fields of the GET form mean "any". */
function submitted(req: Request): Record<string, unknown> {
  return Object.fromEntries(Object.entries(req.query).filter(([name, value]) => name !== 'lang' && value !== ''));
}

export async function sessionList(req: Request, res: Response) {
  const lang = readerLanguage(req);
  const raw = submitted(req);
  const parsed = listFilters.safeParse(raw, { reportInput: true });
  const filter = parsed.success ? parsed.data : { page: 1 };
  const errors = parsed.success ? [] : toFieldErrors(parsed.error.issues, req.t);
  const { page, ...criteria } = filter;
  const { items, total } = await findSessions(criteria, { page, pageSize: PAGE_SIZE });
  const names = await namesFor(items, lang);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  await renderPage(
    res,
    'sessions/list',
    {
      title: req.t('sessions:list.title'),
      sessions: items.map((session) => sessionForPage(session, names, lang)),
      total,
      values: Object.fromEntries(FILTER_NAMES.map((name) => [name, typeof raw[name] === 'string' ? raw[name] : ''])),
      choices: await filterChoices(req),
      errors,
      pager: { page, pages, previous: page > 1 ? filterQuery(raw, { page: page - 1 }) : undefined, next: page < pages ? filterQuery(raw, { page: page + 1 }) : undefined },
      calendarLink: `/sessions/calendar${filterQuery(raw)}`,
      filtered: FILTER_NAMES.some((name) => typeof raw[name] === 'string'),
    },
    errors.length ? 400 : 200,
  );
}
