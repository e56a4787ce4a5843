/**
 * The RFC 5545 writer (issue 5, point 4): escaping, folding at 75 octets, CRLF, and VTIMEZONE
 * components that a real parser (ical.js) turns into the tz database's instants.
 */
import type ICALModule from 'ical.js' with { 'resolution-mode': 'import' };
import { DateTime } from 'luxon';
import { contentLine, escapeText, foldLine, serialise, transitions, utcOffset, vtimezone } from '../../src/calendar/ical';

// ical.js is an ES module with a CommonJS build: Jest runs CommonJS, so it is required (typed from its ESM types).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js') as typeof ICALModule;

const octets = (text: string) => Buffer.byteLength(text, 'utf8');

describe('text values', () => {
  it('escapes backslashes, semicolons, commas and every kind of line break', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
    expect(escapeText('tab\tkept, bell\u0007 dropped')).toBe('tab\tkept\\, bell dropped');
  });
});

describe('folding', () => {
  it('leaves lines of up to 75 octets alone', () => {
    const line = `SUMMARY:${'x'.repeat(67)}`;
    expect(octets(line)).toBe(75);
    expect(foldLine(line)).toBe(line);
  });

  it('folds at 75 octets, continuation lines starting with one space, never inside a UTF-8 sequence', () => {
    const line = `SUMMARY:${'Ελληνικά '.repeat(40)}🙂${'é'.repeat(50)}`;
    const folded = foldLine(line);
    const physical = folded.split('\r\n');
    expect(physical.length).toBeGreaterThan(5);
    for (const [index, part] of physical.entries()) {
      expect(octets(part)).toBeLessThanOrEqual(75);
      if (index > 0) expect(part.startsWith(' ')).toBe(true);
      // No replacement character: each part is valid UTF-8 on its own.
      expect(Buffer.from(part, 'utf8').toString('utf8')).toBe(part);
      expect(part).not.toContain('\uFFFD');
    }
    // Unfolding (RFC 5545, 3.1) gives the line back.
    expect(folded.replace(/\r\n /g, '')).toBe(line);
  });

  it('quotes parameter values holding : ; or , and writes CRLF after every line', () => {
    expect(contentLine({ name: 'X-TEST', params: { CN: 'Doe, Jane: trainer' }, value: 'v' })).toBe('X-TEST;CN="Doe, Jane: trainer":v');
    const text = serialise({ name: 'VCALENDAR', properties: [{ name: 'VERSION', value: '2.0' }] });
    expect(text).toBe('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n');
  });

  it('writes offsets as ±hhmm', () => {
    expect([utcOffset(0), utcOffset(60), utcOffset(-210), utcOffset(345)]).toEqual(['+0000', '+0100', '-0330', '+0545']);
  });
});

describe('VTIMEZONE', () => {
  it('finds the 2027 changes of Europe/Lisbon to the minute', () => {
    const found = transitions('Europe/Lisbon', new Date('2027-01-01T00:00:00Z'), new Date('2028-01-01T00:00:00Z'));
    expect(found.map(({ at, from, to, daylight }) => ({ at: at.toISOString(), from, to, daylight }))).toEqual([
      { at: '2027-03-28T01:00:00.000Z', from: 0, to: 60, daylight: true },
      { at: '2027-10-31T01:00:00.000Z', from: 60, to: 0, daylight: false },
    ]);
  });

  /** Wall-clock times of `zone` read back through our VTIMEZONE by ical.js, against luxon. */
  function checkZone(zone: string, from: string, to: string, samples: string[]) {
    const component = vtimezone(zone, new Date(from), new Date(to));
    const text = serialise({ name: 'VCALENDAR', properties: [{ name: 'VERSION', value: '2.0' }, { name: 'PRODID', value: 'test' }], components: [component] });
    const parsed = new ICAL.Component(ICAL.parse(text));
    const timezone = new ICAL.Timezone(parsed.getFirstSubcomponent('vtimezone')!);
    expect(timezone.tzid).toBe(zone);
    for (const local of samples) {
      const time = ICAL.Time.fromDateTimeString(local, undefined);
      time.zone = timezone;
      const expected = DateTime.fromISO(local, { zone }).toJSDate();
      expect({ local, instant: time.toJSDate().toISOString() }).toEqual({ local, instant: expected.toISOString() });
    }
  }

  it('gives the instants of the tz database, before, between and after the changes, in both hemispheres', () => {
    checkZone('Europe/Lisbon', '2027-01-10T09:00:00Z', '2028-02-01T17:00:00Z', [
      '2027-01-10T09:00:00',
      '2027-03-27T09:00:00',
      '2027-03-28T09:00:00',
      '2027-07-01T12:00:00',
      '2027-10-30T09:00:00',
      '2027-10-31T09:00:00',
      '2028-02-01T17:00:00',
    ]);
    checkZone('Europe/Athens', '2027-03-26T07:00:00Z', '2027-03-29T15:00:00Z', ['2027-03-26T09:00:00', '2027-03-29T09:00:00']);
    checkZone('Australia/Sydney', '2027-03-30T00:00:00Z', '2027-04-10T00:00:00Z', ['2027-04-01T09:00:00', '2027-04-08T09:00:00']);
  });

  it('a zone without changes gets one STANDARD observance', () => {
    const component = vtimezone('Asia/Kolkata', new Date('2027-05-01T00:00:00Z'), new Date('2027-05-02T00:00:00Z'));
    expect(component.components!.map((observance) => observance.name)).toEqual(['STANDARD']);
    expect(component.components![0]!.properties.find((property) => property.name === 'TZOFFSETTO')!.value).toBe('+0530');
    checkZone('Asia/Kolkata', '2027-05-01T00:00:00Z', '2027-05-02T00:00:00Z', ['2027-05-01T09:00:00']);
  });
});
