/**
 * XLSX through exceljs's streaming writer: each row is committed (written into the zip stream)
 * as soon as it is added, no shared strings table, a bold frozen header with an auto-filter,
 * and dates as real dates. The workbook's start (the zip's first entries and the sheet's header
 * row) leaves before the first row is read: the download starts at once.
 *
 * exceljs does not wait for its output: a committed row goes into the sheet's buffer, which
 * feeds the compressor whatever it holds. So after each batch the writer waits until the
 * compressor has taken what it was given and the response has drained, before reading on —
 * otherwise the whole file piles up in memory when the client (or zlib) is slower than the rows.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import { REPORT_COLUMNS, reportHeaders, rowTexts } from './columns';
import { drained, whenFinished } from './output';
import type { ReportRow } from './query';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const WIDTHS: Record<(typeof REPORT_COLUMNS)[number], number> = {
  session: 30, modules: 30, city: 16, country: 14, date: 12, start: 8, end: 8, name: 24, email: 28, organisation: 28, sector: 20, status: 10, trained: 9,
};

/** 'YYYY-MM-DD' as midnight UTC: exceljs stores dates as serial days in UTC, so the day stays the same. */
function calendarDate(value: string): Date | string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : value;
}

/** The streams a worksheet's buffer writes into (exceljs's StreamBuf keeps them in `pipes`). */
function sheetOutlets(sheet: ExcelJS.Worksheet): Writable[] {
  const stream = (sheet as unknown as { stream?: { pipes?: unknown } }).stream;
  return Array.isArray(stream?.pipes) ? (stream.pipes as Writable[]) : [];
}

export async function writeXlsx(batches: AsyncIterable<ReportRow[]>, out: Writable, options: { t: TFunction }): Promise<void> {
  const texts = rowTexts(options.t);
  const finished = whenFinished(out);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(String(options.t('reports:sheet')), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }] });
  sheet.columns = REPORT_COLUMNS.map((key) => ({ key, width: WIDTHS[key], ...(key === 'date' ? { style: { numFmt: 'yyyy-mm-dd' } } : {}) }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: REPORT_COLUMNS.length } };
  const header = sheet.addRow(reportHeaders(options.t));
  header.font = { bold: true };
  header.commit();

  for await (const batch of batches) {
    for (const row of batch) {
      const text = texts(row);
      sheet.addRow(REPORT_COLUMNS.map((key) => (key === 'date' ? calendarDate(row.date) : text[key]))).commit();
    }
    for (const outlet of sheetOutlets(sheet)) await drained(outlet);
    await drained(out);
  }
  sheet.commit();
  await workbook.commit();
  await finished;
}
