/** The report's columns, in order, and a row as the text each format shows. */
import type { TFunction } from 'i18next';
import type { ReportRow } from './query';

export const REPORT_COLUMNS = ['session', 'modules', 'city', 'country', 'date', 'start', 'end', 'name', 'email', 'organisation', 'sector', 'status', 'trained'] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];

/** The header row, in the language of `t`. */
export function reportHeaders(t: TFunction): string[] {
  return REPORT_COLUMNS.map((column) => String(t(`reports:columns.${column}`)));
}

/** Translates the coded values of a row (status, sector, trained) once per export, not per row. */
export function rowTexts(t: TFunction): (row: ReportRow) => Record<ReportColumn, string> {
  const labels = new Map<string, string>();
  const label = (key: string) => {
    let text = labels.get(key);
    if (text === undefined) {
      text = String(t(key));
      labels.set(key, text);
    }
    return text;
  };
  return (row) => ({
    session: row.sessionTitle,
    modules: row.modules.join(', '),
    city: row.city,
    country: row.country,
    date: row.date,
    start: row.start,
    end: row.end,
    name: row.name,
    email: row.email,
    organisation: row.organisation,
    sector: row.sector ? label(`accounts:sectors.${row.sector}`) : '',
    status: label(`reports:status.${row.status}`),
    trained: label(row.trained ? 'reports:trained.yes' : 'reports:trained.no'),
  });
}
