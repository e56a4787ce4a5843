/**
 * A training session as iCalendar (issue 5, point 4): one VEVENT per day at its wall-clock
 * times in the session's zone (TZID with its VTIMEZONE), stable UIDs, the session's SEQUENCE,
 * and METHOD:CANCEL with STATUS:CANCELLED once it is cancelled. Texts in the reader's language.
 */
import type { TFunction } from 'i18next';
import { courseTitles } from '../courses/published';
import type { Language } from '../i18n/languages';
import { cityNames } from '../reference/service';
import type { TrainingSessionDocument } from '../sessions/model';
import { type Component, escapeText, localDateTime, type Property, serialise, utcDateTime, vtimezone } from './ical';

export const PRODID = '-//LIAISE Learning//Training sessions//EN';
export const UID_DOMAIN = 'liaise-learning';

/** What a calendar needs of a session. */
export type CalendarSession = Pick<
  TrainingSessionDocument,
  '_id' | 'title' | 'courses' | 'city' | 'venue' | 'timezone' | 'days' | 'status' | 'sequence' | 'createdAt' | 'updatedAt'
>;

export interface CalendarOptions {
  lang: Language;
  /** A translator fixed to `lang`. */
  t: TFunction;
  /** The site's address without a trailing slash: links point to `${baseUrl}/sessions/<id>`. */
  baseUrl: string;
  /** RFC 5546 wants an ORGANIZER in PUBLISH and CANCEL; strict clients (Outlook) read it. */
  organizer?: { name?: string; email: string };
  /** DTSTAMP: when this calendar is written. */
  now?: Date;
}

/** The names a calendar shows, looked up once per calendar. */
export interface CalendarNames {
  cities: Map<string, string>;
  courses: Map<string, string>;
}

/** The stable UID of a session's day: the same in every download, cancellation included. */
export function dayUid(sessionId: string, date: string): string {
  return `${sessionId}-${date}@${UID_DOMAIN}`;
}

export function sessionUrl(baseUrl: string, sessionId: string): string {
  return `${baseUrl}/sessions/${sessionId}`;
}

/** City names (reference data) and course titles in `lang`, else English, else their ids. */
export async function lookUpNames(lang: Language): Promise<CalendarNames> {
  // Both from memory (reference/service.ts, courses/published.ts): every name, whatever the sessions.
  const [cities, courses] = await Promise.all([cityNames(lang), courseTitles(lang)]);
  return { cities, courses };
}

function organizerProperty(organizer: CalendarOptions['organizer']): Property[] {
  if (!organizer) return [];
  return [{ name: 'ORGANIZER', ...(organizer.name ? { params: { CN: organizer.name } } : {}), value: `mailto:${organizer.email}` }];
}

/** The VEVENTs of one session, one per day. */
export function sessionEvents(session: CalendarSession, names: CalendarNames, options: CalendarOptions): Component[] {
  const { t } = options;
  const id = String(session._id);
  const url = sessionUrl(options.baseUrl, id);
  const cancelled = session.status === 'cancelled';
  const location = [session.venue.name, session.venue.address, names.cities.get(session.city) ?? session.city].filter(Boolean).join(', ');
  const description = [
    ...(cancelled ? [t('calendar:description-cancelled'), ''] : []),
    t('calendar:description-modules'),
    ...session.courses.map((course) => `- ${t('calendar:description-module', { title: names.courses.get(course.slug) ?? course.slug, version: course.version })}`),
    '',
    t('calendar:description-link', { url }),
  ].join('\n');
  const stamp = utcDateTime(options.now ?? new Date());
  const count = session.days.length;
  return session.days.map((day, index) => {
    const title = count > 1 ? t('calendar:summary-day', { title: session.title, day: index + 1, count }) : session.title;
    const summary = cancelled ? t('calendar:summary-cancelled', { summary: title }) : title;
    const tz = { TZID: session.timezone };
    return {
      name: 'VEVENT',
      properties: [
        { name: 'UID', value: dayUid(id, day.date) },
        { name: 'DTSTAMP', value: stamp },
        { name: 'SEQUENCE', value: String(session.sequence ?? 0) },
        { name: 'DTSTART', params: tz, value: localDateTime(day.date, day.start) },
        { name: 'DTEND', params: tz, value: localDateTime(day.date, day.end) },
        { name: 'SUMMARY', value: escapeText(summary) },
        { name: 'LOCATION', value: escapeText(location) },
        { name: 'DESCRIPTION', value: escapeText(description) },
        { name: 'URL', params: { VALUE: 'URI' }, value: url },
        { name: 'STATUS', value: cancelled ? 'CANCELLED' : 'CONFIRMED' },
        { name: 'TRANSP', value: cancelled ? 'TRANSPARENT' : 'OPAQUE' },
        ...organizerProperty(options.organizer),
        ...(session.createdAt ? [{ name: 'CREATED', value: utcDateTime(session.createdAt) }] : []),
        ...(session.updatedAt ? [{ name: 'LAST-MODIFIED', value: utcDateTime(session.updatedAt) }] : []),
      ],
    };
  });
}

/** One VTIMEZONE per zone used, covering the days of the sessions in that zone. */
function timezonesOf(sessions: CalendarSession[]): Component[] {
  const ranges = new Map<string, { from: Date; to: Date }>();
  for (const session of sessions) {
    for (const day of session.days) {
      const range = ranges.get(session.timezone);
      if (!range) ranges.set(session.timezone, { from: day.startsAt, to: day.endsAt });
      else {
        if (day.startsAt < range.from) range.from = day.startsAt;
        if (day.endsAt > range.to) range.to = day.endsAt;
      }
    }
  }
  return [...ranges.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([zone, { from, to }]) => vtimezone(zone, from, to));
}

export interface CalendarObjectOptions {
  method: 'PUBLISH' | 'CANCEL';
  /** X-WR-CALNAME, the name subscribed calendars show. */
  name?: string;
}

/** The VCALENDAR of several sessions (written by serialise), their VTIMEZONEs first. */
export function calendarObject(sessions: CalendarSession[], names: CalendarNames, options: CalendarOptions, object: CalendarObjectOptions): Component {
  return {
    name: 'VCALENDAR',
    properties: [
      { name: 'VERSION', value: '2.0' },
      { name: 'PRODID', value: escapeText(PRODID) },
      { name: 'CALSCALE', value: 'GREGORIAN' },
      { name: 'METHOD', value: object.method },
      ...(object.name ? [{ name: 'X-WR-CALNAME', value: escapeText(object.name) }] : []),
    ],
    components: [...timezonesOf(sessions), ...sessions.flatMap((session) => sessionEvents(session, names, options))],
  };
}

/**
 * The calendar of one session: METHOD:PUBLISH while it is open, METHOD:CANCEL (every day
 * STATUS:CANCELLED, same UIDs) once cancelled. The city name is read in `options.lang`.
 */
/** `names` when the caller has looked them up already (a mail about the session). */
export async function sessionCalendar(session: CalendarSession, options: CalendarOptions, known?: CalendarNames): Promise<string> {
  const names = known ?? (await lookUpNames(options.lang));
  const method = session.status === 'cancelled' ? 'CANCEL' : 'PUBLISH';
  return serialise(calendarObject([session], names, options, { method }));
}

/**
 * A subscribed feed of sessions: always METHOD:PUBLISH (a feed is re-read, not an iTIP
 * message); a cancelled session's days stay in it with STATUS:CANCELLED, so clients show them
 * as cancelled rather than silently dropping them.
 */
export async function sessionsCalendar(sessions: CalendarSession[], options: CalendarOptions & { name?: string }): Promise<string> {
  const names = await lookUpNames(options.lang);
  return serialise(calendarObject(sessions, names, options, { method: 'PUBLISH', ...(options.name ? { name: options.name } : {}) }));
}
