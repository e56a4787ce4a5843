/**
 * Time zones of training sessions (issue 5). A session keeps the IANA zone it is held in, so
 * its days are wall-clock times there and their instants follow daylight saving correctly.
 */
import { DateTime, IANAZone } from 'luxon';

/** The zone a session in a partner country gets unless its scheduler picks another. */
export const DEFAULT_TIME_ZONES: Readonly<Record<string, string>> = {
  BE: 'Europe/Brussels',
  CZ: 'Europe/Prague',
  DE: 'Europe/Berlin',
  ES: 'Europe/Madrid',
  FR: 'Europe/Paris',
  GB: 'Europe/London',
  GR: 'Europe/Athens',
  IT: 'Europe/Rome',
  NL: 'Europe/Amsterdam',
  PT: 'Europe/Lisbon',
  SE: 'Europe/Stockholm',
};

/** Names like Europe/Paris only: never offsets ("+01:00") nor abbreviations the runtime may happen to accept. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

export function defaultTimeZone(country: string): string | undefined {
  return DEFAULT_TIME_ZONES[country];
}

export function isValidTimeZone(zone: unknown): zone is string {
  return typeof zone === 'string' && zone.length <= 64 && ZONE_NAME.test(zone) && IANAZone.isValidZone(zone);
}

/** The zone as the runtime spells it ("europe/paris" → "Europe/Paris"); undefined when invalid. */
export function canonicalTimeZone(zone: unknown): string | undefined {
  if (!isValidTimeZone(zone)) return undefined;
  return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
}

/**
 * The instant of a wall-clock time on a local date in a zone, or undefined when that time does
 * not exist there (skipped by a spring-forward switch) or the date is not a calendar date.
 * An ambiguous time (autumn switch) is taken at its first occurrence.
 */
export function localInstant(date: string, time: string, zone: string): Date | undefined {
  const local = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!local.isValid || local.toFormat('yyyy-MM-dd HH:mm') !== `${date} ${time}`) return undefined;
  return local.toJSDate();
}

/** The last instant of a local date in a zone (23:59:59.999 there). */
export function endOfLocalDay(date: string, zone: string): Date | undefined {
  const local = DateTime.fromISO(date, { zone });
  return local.isValid ? local.endOf('day').toJSDate() : undefined;
}

/** Whether a 'YYYY-MM-DD' string is a real calendar date. */
export function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date, { zone: 'UTC' }).isValid;
}

/** The local date `days` after (or before) a 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}
