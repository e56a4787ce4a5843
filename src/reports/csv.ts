/**
 * CSV: UTF-8 with a byte order mark (so Excel reads it as UTF-8), a header row in the file's
 * language, RFC 4180 quoting and CRLF line ends; `,` or `;` (Excel in much of Europe expects `;`).
 * The BOM and the header row are sent before the first row is read (the database may take
 * seconds to sort): the download starts at once. Then a batch of rows is one write, and the
 * next batch is read only once the response has taken it.
 */
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { TFunction } from 'i18next';
import { REPORT_COLUMNS, reportHeaders, rowTexts } from './columns';
import { send, whenFinished } from './output';
import type { ReportRow } from './query';

export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';

export async function writeCsv(batches: AsyncIterable<ReportRow[]>, out: Writable, options: { t: TFunction; separator: ',' | ';' }): Promise<void> {
  const headers = reportHeaders(options.t);
  const texts = rowTexts(options.t);
  const format = {
    delimiter: options.separator,
    record_delimiter: 'windows',
    columns: REPORT_COLUMNS.map((key, index) => ({ key, header: headers[index]! })),
    // A cell starting with = + - @ would run as a formula in a spreadsheet: quoted with a leading '.
    escape_formulas: true,
  } as const;
  const finished = whenFinished(out);
  // No records: csv-stringify writes the BOM and the header row only.
  await send(out, stringify([], { ...format, bom: true, header: true }));
  for await (const batch of batches) {
    if (batch.length > 0) await send(out, stringify(batch.map(texts), format));
  }
  out.end();
  await finished;
}
