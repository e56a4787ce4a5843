/**
 * Finding sessions (issue 5, point 3): filters by dates, country, city, module, language and
 * status, in date order, from the sessions kept in memory (in-memory.ts). Open to everyone:
 * people look for a session before they have an account.
 */
import { z } from 'zod';
import { paginationQuery } from '../http/pagination';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';
import { isCalendarDate } from './time-zones';
import { allSessions } from './in-memory';
import { SESSION_STATUSES, type TrainingSessionDocument } from './model';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const date = z.string().regex(DATE).refine(isCalendarDate);

export const sessionListQuery = paginationQuery
  .extend({
    from: date.optional(),
    to: date.optional(),
    country: z.string().regex(/^[A-Za-z]{2}$/).transform((code) => code.toUpperCase()).optional(),
    city: z.string().max(100).optional(),
    course: z.string().regex(/^[a-z0-9-]{1,100}$/).optional(),
    language: z.enum(SUPPORTED_LANGUAGES).optional(),
    status: z.enum(SESSION_STATUSES).optional(),
    lang: z.enum(SUPPORTED_LANGUAGES).optional(),
  })
  .strict();

export type SessionFilter = z.output<typeof sessionListQuery>;

/**
 * The sessions matching `filter`: by default the open ones not yet over. `from` and `to` are
 * local calendar dates, compared with the sessions' own (local) dates: some day on or after
 * `from`, some day on or before `to`.
 */
export async function findSessions(filter: Omit<SessionFilter, 'page' | 'pageSize' | 'lang'>, page: { page: number; pageSize: number }, now = new Date()) {
  const status = filter.status ?? 'open';
  const matching = (await allSessions()).filter(
    (session) =>
      session.status === status &&
      // Some day on or after `from`; the first day on or before `to`; without either, not over yet.
      (!filter.from || session.days.some((day) => day.date >= filter.from!)) &&
      (!filter.to || session.days[0]!.date <= filter.to) &&
      (filter.from || filter.to || session.lastEndsAt.getTime() > now.getTime()) &&
      (!filter.country || session.country === filter.country) &&
      (!filter.city || session.city === filter.city) &&
      (!filter.course || session.courses.some((course) => course.slug === filter.course)) &&
      (!filter.language || session.language === filter.language),
  );
  const start = (page.page - 1) * page.pageSize;
  return { items: matching.slice(start, start + page.pageSize) as TrainingSessionDocument[], total: matching.length };
}
