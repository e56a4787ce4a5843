/**
 * The month calendar of sessions (issue 5, point 3): a table of weeks, each session on the
 * local dates of its days, with the same filters as the list. Weeks start on Monday, as in
 * every partner country.
 */
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { renderPage } from '../../http/render';
import { readerLanguage } from '../../i18n/middleware';
import { findSessions, sessionListQuery } from '../find';
import { namesFor } from '../present';
import { filterChoices, filterQuery } from './list-pages';
import { sessionForPage } from './view';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const filters = sessionListQuery.omit({ page: true, pageSize: true, lang: true, status: true, from: true, to: true });

export async function monthPage(req: Request, res: Response) {
  const lang = readerLanguage(req);
  const raw = Object.fromEntries(Object.entries(req.query).filter(([name, value]) => name !== 'lang' && name !== 'month' && value !== ''));
  const parsed = filters.safeParse(raw);
  const criteria = parsed.success ? parsed.data : {};
  const asked = typeof req.query.month === 'string' ? MONTH.exec(req.query.month) : null;
  const month = asked ? DateTime.fromObject({ year: Number(asked[1]), month: Number(asked[2]), day: 1 }, { zone: 'UTC' }) : DateTime.utc().startOf('month');
  const first = month.toISODate()!;
  const last = month.endOf('month').toISODate()!;
  const { items } = await findSessions({ ...criteria, from: first, to: last }, { page: 1, pageSize: 500 });
  const names = await namesFor(items, lang);
  const sessions = items.map((session) => sessionForPage(session, names, lang));

  // Whole weeks, Monday to Sunday, covering the month.
  const weeks = [];
  for (let day = month.startOf('week'); day <= month.endOf('month'); ) {
    const week = [];
    for (let index = 0; index < 7; index += 1, day = day.plus({ days: 1 })) {
      const date = day.toISODate()!;
      week.push({
        date,
        label: day.setLocale(lang).toLocaleString({ day: 'numeric', month: 'long' }),
        number: day.day,
        inMonth: day.month === month.month,
        sessions: sessions.filter((session) => session.days.some((entry) => entry.date === date)).map((session) => ({ id: session.id, title: session.title, city: session.cityName, time: session.days.find((entry) => entry.date === date)!.timeLabel })),
      });
    }
    weeks.push(week);
  }
  const monthLabel = month.setLocale(lang).toLocaleString({ month: 'long', year: 'numeric' });
  const link = (target: DateTime) => `/sessions/calendar${filterQuery(raw, { month: target.toFormat('yyyy-MM') })}`;
  await renderPage(res, 'sessions/month', {
    title: req.t('sessions:month.title', { month: monthLabel }),
    monthLabel,
    weekdays: Array.from({ length: 7 }, (_, index) => ({
      short: month.startOf('week').plus({ days: index }).setLocale(lang).toLocaleString({ weekday: 'short' }),
      long: month.startOf('week').plus({ days: index }).setLocale(lang).toLocaleString({ weekday: 'long' }),
    })),
    weeks,
    count: sessions.length,
    previous: link(month.minus({ months: 1 })),
    next: link(month.plus({ months: 1 })),
    listLink: `/sessions${filterQuery({ ...raw, from: first, to: last })}`,
    values: { country: raw.country ?? '', city: raw.city ?? '', course: raw.course ?? '', language: raw.language ?? '', month: month.toFormat('yyyy-MM') },
    choices: await filterChoices(req),
  });
}
