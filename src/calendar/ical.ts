/**
 * A small RFC 5545 writer (issue 5, point 4). The `ics` package only writes UTC or floating
 * times, never `DTSTART;TZID=…` with a VTIMEZONE, and strict clients need both for a session's
 * wall-clock times to stay put across daylight saving. So the few pieces needed are here:
 * content lines with escaping and folding, date-times, and VTIMEZONE components computed from
 * the tz database (through luxon) for the years a calendar covers.
 */
import { DateTime } from 'luxon';

export const CRLF = '\r\n';
/** Octets a content line may take before it is folded (RFC 5545, 3.1), the CRLF not counted. */
export const MAX_LINE_OCTETS = 75;

/** A property: its name, parameters and an already formatted value (escape TEXT with escapeText). */
export interface Property {
  name: string;
  params?: Record<string, string>;
  value: string;
}

/** A component: BEGIN/END name, its properties in order, then its sub-components. */
export interface Component {
  name: string;
  properties: Property[];
  components?: Component[];
}

/**
 * A TEXT value (RFC 5545, 3.3.11): backslash, semicolon and comma escaped, every kind of line
 * break as `\n`; other control characters, which no content line may hold, are dropped.
 */
export function escapeText(text: string): string {
  return (
    text
      .replace(/\r\n|\r|\n/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
      .replace(/[\\;,]/g, (character) => `\\${character}`)
      .replace(/\n/g, '\\n')
  );
}

/** A parameter value: quoted when it holds `:`, `;` or `,`; double quotes and controls removed (they cannot be written). */
export function paramValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/["\u0000-\u001F\u007F]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/**
 * Folds a content line at 75 octets: each continuation line starts with one space, so it
 * carries at most 74 octets of the line. Never inside a UTF-8 sequence (nor a surrogate pair).
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_LINE_OCTETS) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const character of line) {
    const size = Buffer.byteLength(character, 'utf8');
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    current += character;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

export function contentLine(property: Property): string {
  const params = Object.entries(property.params ?? {})
    .map(([name, value]) => `;${name}=${paramValue(value)}`)
    .join('');
  return foldLine(`${property.name}${params}:${property.value}`);
}

function componentLines(component: Component): string[] {
  return [
    `BEGIN:${component.name}`,
    ...component.properties.map(contentLine),
    ...(component.components ?? []).flatMap(componentLines),
    `END:${component.name}`,
  ];
}

/** The iCalendar object: CRLF after every line, the last one included. */
export function serialise(component: Component): string {
  return componentLines(component).join(CRLF) + CRLF;
}

/** `20270301T090000Z`: an instant in UTC. */
export function utcDateTime(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'");
}

/** `20270301T090000`: a wall-clock time, to go with a TZID. */
export function localDateTime(date: string, time: string): string {
  return `${date.replaceAll('-', '')}T${time.replace(':', '')}00`;
}

/** `+0100`, `-0330`: a UTC offset in minutes as iCalendar writes it. */
export function utcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}${String(absolute % 60).padStart(2, '0')}`;
}

export interface Transition {
  /** The first instant of the new offset. */
  at: Date;
  from: number;
  to: number;
  daylight: boolean;
  name: string;
}

const HOUR = 3_600_000;

function offsetAt(zone: string, millis: number): number {
  return DateTime.fromMillis(millis, { zone }).offset;
}

/** The offset changes of `zone` in [from, to), each found to the minute. */
export function transitions(zone: string, from: Date, to: Date): Transition[] {
  const found: Transition[] = [];
  // Zones change offset at most a few times a year, never twice within 12 hours.
  const step = 12 * HOUR;
  let before = from.getTime();
  let offset = offsetAt(zone, before);
  for (let probe = before + step; before < to.getTime(); probe += step) {
    const next = offsetAt(zone, probe);
    if (next !== offset) {
      let low = before;
      let high = probe;
      while (high - low > 60_000) {
        const middle = low + Math.floor((high - low) / 120_000) * 60_000;
        if (offsetAt(zone, middle) === offset) low = middle;
        else high = middle;
      }
      const after = DateTime.fromMillis(high, { zone, locale: 'en-GB' });
      if (high < to.getTime()) found.push({ at: new Date(high), from: offset, to: next, daylight: after.isInDST, name: after.offsetNameShort ?? utcOffset(next) });
      offset = next;
    }
    before = probe;
  }
  return found;
}

/**
 * The VTIMEZONE of `zone` for the instants in [from, to]: the transition in force at `from`
 * (looked for up to two years back) and every one until `to`, each a STANDARD or DAYLIGHT
 * observance of its own (DTSTART in the local time before the change, as RFC 5545 asks). A
 * zone without changes gets one STANDARD observance.
 */
export function vtimezone(zone: string, from: Date, to: Date): Component {
  const start = DateTime.fromJSDate(from, { zone: 'utc' }).minus({ years: 2 }).startOf('year').toJSDate();
  const end = DateTime.fromJSDate(to, { zone: 'utc' }).plus({ days: 1 }).toJSDate();
  const all = transitions(zone, start, end);
  const inForce = all.filter((transition) => transition.at <= from).at(-1);
  const relevant = all.filter((transition) => transition === inForce || transition.at > from);
  const observances: Component[] = relevant.map((transition) => ({
    name: transition.daylight ? 'DAYLIGHT' : 'STANDARD',
    properties: [
      { name: 'DTSTART', value: DateTime.fromMillis(transition.at.getTime() + transition.from * 60_000, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss") },
      { name: 'TZOFFSETFROM', value: utcOffset(transition.from) },
      { name: 'TZOFFSETTO', value: utcOffset(transition.to) },
      { name: 'TZNAME', value: escapeText(transition.name) },
    ],
  }));
  if (observances.length === 0) {
    const now = DateTime.fromJSDate(from, { zone }).setLocale('en-GB');
    observances.push({
      name: 'STANDARD',
      properties: [
        { name: 'DTSTART', value: '19700101T000000' },
        { name: 'TZOFFSETFROM', value: utcOffset(now.offset) },
        { name: 'TZOFFSETTO', value: utcOffset(now.offset) },
        { name: 'TZNAME', value: escapeText(now.offsetNameShort ?? utcOffset(now.offset)) },
      ],
    });
  }
  return { name: 'VTIMEZONE', properties: [{ name: 'TZID', value: zone }], components: observances };
}
