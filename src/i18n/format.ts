/**
 * Dates and numbers as the reader writes them. Sessions carry their own time zone; a date is
 * always shown in the zone where the event happens, never the server's.
 */
export interface Formatters {
  number(value: number): string;
  /** A share (0.75) as a percentage: "75 %", "75%", "75 %"… */
  percent(share: number): string;
  date(value: Date, timeZone?: string): string;
  dateTime(value: Date, timeZone?: string): string;
}

/** A share (0.75) as the language writes a percentage, to one decimal at most. */
export function formatPercent(share: number, lang: string): string {
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

export function createFormatters(lang: string): Formatters {
  const numberFormat = new Intl.NumberFormat(lang);
  return {
    number: (value) => numberFormat.format(value),
    percent: (share) => formatPercent(share, lang),
    date: (value, timeZone = 'UTC') => new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone }).format(value),
    // dateStyle cannot be combined with timeZoneName, hence the explicit parts.
    dateTime: (value, timeZone = 'UTC') =>
      new Intl.DateTimeFormat(lang, {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone,
        timeZoneName: 'short',
      }).format(value),
  };
}
