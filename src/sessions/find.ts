/**
 * Finding sessions (issue 5, point 3): filters by dates, country, city, module, language and
 * status, in date order. Open to everyone: people look for a session before they have an account.
 */
import mongoose from 'mongoose';
import { z } from 'zod';
import { paginationQuery } from '../http/pagination';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';
import { isCalendarDate } from './time-zones';
import { SESSION_STATUSES, TrainingSession, type TrainingSessionDocument } from './model';

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
  const query: Record<string, unknown> = { status: filter.status ?? 'open' };
  // Some day on or after `from`; the first day on or before `to`.
  if (filter.from) query['days.date'] = mongoose.trusted({ $gte: filter.from });
  if (filter.to) query['days.0.date'] = mongoose.trusted({ $lte: filter.to });
  if (!filter.from && !filter.to) query.lastEndsAt = mongoose.trusted({ $gt: now });
  if (filter.country) query.country = filter.country;
  if (filter.city) query.city = filter.city;
  if (filter.course) query['courses.slug'] = filter.course;
  if (filter.language) query.language = filter.language;
  const [items, total] = await Promise.all([
    TrainingSession.find(query)
      .sort({ firstStartsAt: 1, _id: 1 })
      .skip((page.page - 1) * page.pageSize)
      .limit(page.pageSize)
      .lean<TrainingSessionDocument[]>(),
    TrainingSession.countDocuments(query),
  ]);
  return { items, total };
}
