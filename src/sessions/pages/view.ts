/** A session as the pages show it: dates and times in the session's own zone, in the reader's language. */
import { LANGUAGE_AUTONYMS, type Language } from '../../i18n/languages';
import type { TrainingSessionDocument } from '../model';
import { serialiseSession, type SessionNames } from '../present';

/** "Europe/Lisbon (WEST)": the zone a session's times are in, with its abbreviation on that day. */
export function zoneLabel(zone: string, at: Date, lang: Language): string {
  const short = new Intl.DateTimeFormat(lang, { timeZone: zone, timeZoneName: 'short' }).formatToParts(at).find((part) => part.type === 'timeZoneName')?.value;
  return short ? `${zone.replace(/_/g, ' ')} (${short})` : zone;
}

export function sessionForPage(session: TrainingSessionDocument, names: SessionNames, lang: Language) {
  const view = serialiseSession(session, names);
  const dateFormat = new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: session.timezone });
  const timeFormat = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZone: session.timezone });
  return {
    ...view,
    languageName: LANGUAGE_AUTONYMS[session.language],
    zoneLabel: zoneLabel(session.timezone, session.days[0]!.startsAt, lang),
    days: session.days.map((day) => ({
      date: day.date,
      dateLabel: dateFormat.format(day.startsAt),
      timeLabel: `${timeFormat.format(day.startsAt)}–${timeFormat.format(day.endsAt)}`,
      startsAt: day.startsAt.toISOString(),
    })),
    deadlineLabel: new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${session.enrolmentDeadlineDate}T12:00:00Z`)),
    full: session.seatsTaken >= session.capacity,
    cancelled: session.status === 'cancelled',
  };
}

export type SessionForPage = ReturnType<typeof sessionForPage>;
