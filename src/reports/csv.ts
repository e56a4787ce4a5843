/**
 * CSV: UTF-8 with a byte order mark (so Excel reads it as UTF-8), a header row in the file's
 * language, RFC 4180 quoting and CRLF line ends; `,` or `;` (Excel in much of Europe expects `;`).
 * Streamed: `pipeline` waits for the response to drain, so rows are read only as fast as they leave.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { TFunction } from 'i18next';
import { REPORT_COLUMNS, reportHeaders, rowTexts } from './columns';
import type { ReportRow } from './query';

export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';

export async function writeCsv(rows: AsyncIterable<ReportRow>, out: Writable, options: { t: TFunction; separator: ',' | ';' }): Promise<void> {
  const headers = reportHeaders(options.t);
  const texts = rowTexts(options.t);
  const stringifier = stringify({
    bom: true,
    delimiter: options.separator,
    record_delimiter: 'windows',
    header: true,
    columns: REPORT_COLUMNS.map((key, index) => ({ key, header: headers[index]! })),
    // A cell starting with = + - @ would run as a formula in a spreadsheet: quoted with a leading '.
    escape_formulas: true,
  });
  async function* records() {
    for await (const row of rows) yield texts(row);
  }
  await pipeline(Readable.from(records()), stringifier, out);
}
