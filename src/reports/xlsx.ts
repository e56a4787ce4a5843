/**
 * XLSX through exceljs's streaming writer: each row is committed (written into the zip stream)
 * as soon as it is added, no shared strings table, a bold frozen header with an auto-filter,
 * and dates as real dates. exceljs does not wait for its output, so after each batch the writer
 * waits for the response to drain before reading on.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import { REPORT_COLUMNS, reportHeaders, rowTexts } from './columns';
import type { ReportRow } from './query';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const WIDTHS: Record<(typeof REPORT_COLUMNS)[number], number> = {
  session: 30, modules: 30, city: 16, country: 14, date: 12, start: 8, end: 8, name: 24, email: 28, organisation: 28, sector: 20, status: 10, trained: 9,
};
const DRAIN_EVERY = 200;

/** 'YYYY-MM-DD' as midnight UTC: exceljs stores dates as serial days in UTC, so the day stays the same. */
function calendarDate(value: string): Date | string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : value;
}

export async function writeXlsx(rows: AsyncIterable<ReportRow>, out: Writable, options: { t: TFunction }): Promise<void> {
  const texts = rowTexts(options.t);
  const finished = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('close', resolve);
    out.once('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(String(options.t('reports:sheet')), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }] });
  sheet.columns = REPORT_COLUMNS.map((key) => ({ key, width: WIDTHS[key], ...(key === 'date' ? { style: { numFmt: 'yyyy-mm-dd' } } : {}) }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: REPORT_COLUMNS.length } };
  const header = sheet.addRow(reportHeaders(options.t));
  header.font = { bold: true };
  header.commit();

  let count = 0;
  for await (const row of rows) {
    const text = texts(row);
    sheet.addRow(REPORT_COLUMNS.map((key) => (key === 'date' ? calendarDate(row.date) : text[key]))).commit();
    count += 1;
    if (count % DRAIN_EVERY === 0 && out.writableNeedDrain) await once(out, 'drain');
    if (out.destroyed) throw new Error('the client went away');
  }
  sheet.commit();
  await workbook.commit();
  await finished;
}
