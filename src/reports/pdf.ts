/**
 * PDF through pdfkit: landscape A4, a table whose header is repeated on every page, a totals
 * block after the last row, and "page X of Y" on every page.
 *
 * "of Y" without buffering pages (pdfkit's `bufferPages` would keep the whole document in
 * memory): every row is one line of a fixed height (longer text is cut with "…"), so the
 * number of pages follows from the number of rows, counted before the first page is written.
 * The count is a scan of its own on FerretDB: the file's first bytes leave before it, and the
 * rows are asked for at once, so the database counts and sorts at the same time.
 * Each page is written out when the next one starts; the writer waits for the response to drain.
 * pdfkit's per-word layout cache (a big saving: titles, cities, statuses repeat) would grow with
 * every distinct word of the whole report, so it is emptied when it passes LAYOUT_CACHE_WORDS —
 * not at each page: a layout lives long enough to be promoted to V8's old generation, and
 * throwing away a page's worth of them each page made the heap (and the RSS) climb with garbage
 * that is collected late (bench/reports.ts: 345 MB of heap for 50,000 rows, 79 MB of it live).
 */
import { fitText } from '../pdf/fit';
import { pdfFonts } from '../pdf/fonts';
import type { Writable } from 'node:stream';
import type { TFunction } from 'i18next';
import PDFDocument from 'pdfkit';
import { REPORT_COLUMNS, type ReportColumn, reportHeaders, rowTexts } from './columns';
import { drained, whenFinished } from './output';
import type { ReportRow, ReportTotals } from './query';

export const PDF_MEDIA_TYPE = 'application/pdf';

const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = 24;
const FONT_SIZE = 7;
const HEADER_HEIGHT = 14;
const ROW_HEIGHT = 11;
const TITLE_HEIGHT = 44;
const TABLE_BOTTOM = PAGE.height - 34;
const FOOTER_Y = PAGE.height - 22;
const TOTALS_HEIGHT = 14 + 4 * ROW_HEIGHT + 8;
const CELL_PADDING = 2;
/** Distinct words whose layout a font keeps: a few MB. */
const LAYOUT_CACHE_WORDS = 5_000;
const WIDTHS: Record<ReportColumn, number> = {
  session: 95, modules: 100, city: 55, country: 50, date: 46, start: 26, end: 26, name: 80, email: 100, organisation: 85, sector: 60, status: 40, trained: 30,
};

/** How many rows fit on the first page (under the title) and on the others. */
export const ROWS_FIRST_PAGE = Math.floor((TABLE_BOTTOM - (MARGIN + TITLE_HEIGHT) - HEADER_HEIGHT) / ROW_HEIGHT);
export const ROWS_PER_PAGE = Math.floor((TABLE_BOTTOM - MARGIN - HEADER_HEIGHT) / ROW_HEIGHT);

/** The number of pages of a report of `rows` rows, the totals block included. */
export function pdfPageCount(rows: number): number {
  let pages = 1;
  let onLast = Math.min(rows, ROWS_FIRST_PAGE);
  let top = MARGIN + TITLE_HEIGHT;
  if (rows > ROWS_FIRST_PAGE) {
    const rest = rows - ROWS_FIRST_PAGE;
    pages += Math.ceil(rest / ROWS_PER_PAGE);
    onLast = rest - (pages - 2) * ROWS_PER_PAGE;
    top = MARGIN;
  }
  // An empty report has one line saying so.
  const end = top + HEADER_HEIGHT + Math.max(onLast, 1) * ROW_HEIGHT;
  return end + TOTALS_HEIGHT > TABLE_BOTTOM ? pages + 1 : pages;
}


export interface PdfOptions {
  t: TFunction;
  lang: string;
  /** Counted while the file starts: the pages are numbered "of Y" from it. */
  expectedRows: number | Promise<number>;
  /** Filled in while the rows pass (countingTotals), read for the totals block. */
  totals: ReportTotals;
  period: { from?: string | undefined; to?: string | undefined };
  now?: Date;
}

export async function writePdf(batches: AsyncIterable<ReportRow[]>, out: Writable, options: PdfOptions): Promise<void> {
  const { t } = options;
  const texts = rowTexts(t);
  const headers = reportHeaders(t);
  const numbers = new Intl.NumberFormat(options.lang);
  const font = pdfFonts();
  const finished = whenFinished(out);
  // pdfkit writes the file's header ("%PDF-1.3") as it is made: the download starts at once.
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', autoFirstPage: false, bufferPages: false, info: { Title: String(t('reports:pdf.title')) } } as PDFKit.PDFDocumentOptions);
  doc.registerFont('body', font.regular);
  doc.registerFont('bold', font.bold);
  doc.pipe(out);

  const source = batches[Symbol.asyncIterator]();
  // Asked for before the count is awaited: the database sorts while it counts.
  let next = source.next();
  next.catch(() => undefined);
  let pages: number;
  try {
    pages = pdfPageCount(await options.expectedRows);
  } catch (error) {
    await source.return?.();
    throw error;
  }

  let page = 0;
  let y = 0;

  const fit = (raw: string, width: number) => fitText(doc, raw, width);

  const drawRow = (cells: string[], height: number, bold: boolean) => {
    doc.font(bold ? 'bold' : 'body').fontSize(FONT_SIZE);
    let x = MARGIN;
    REPORT_COLUMNS.forEach((column, index) => {
      const width = WIDTHS[column];
      doc.text(fit(cells[index] ?? '', width - 2 * CELL_PADDING), x + CELL_PADDING, y + (height - FONT_SIZE) / 2 - 1, { lineBreak: false });
      x += width;
    });
    y += height;
  };

  const drawHeader = () => {
    doc.rect(MARGIN, y, PAGE.width - 2 * MARGIN, HEADER_HEIGHT).fill('#e6e6e6');
    doc.fillColor('black');
    drawRow(headers, HEADER_HEIGHT, true);
    doc.moveTo(MARGIN, y).lineTo(PAGE.width - MARGIN, y).lineWidth(0.5).stroke();
  };

  /** Lets the response take what was written before going on: memory stays flat. */
  const relieve = async () => {
    while (doc.readableLength > 1 << 20 || out.writableNeedDrain) {
      if (out.writableNeedDrain) await drained(out);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  };

  /** pdfkit keeps the fonts it made in `_fontFamilies`; each has a `layoutCache` of words. */
  const forgetLayouts = () => {
    const families = (doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: Record<string, unknown> }> })._fontFamilies ?? {};
    for (const family of Object.values(families)) {
      if (family.layoutCache && Object.keys(family.layoutCache).length > LAYOUT_CACHE_WORDS) family.layoutCache = Object.create(null) as Record<string, unknown>;
    }
  };

  const newPage = async (withTable: boolean) => {
    if (page > 0) await relieve();
    forgetLayouts();
    doc.addPage({ size: 'A4', layout: 'landscape', margins: { top: MARGIN, bottom: 0, left: MARGIN, right: MARGIN } });
    page += 1;
    doc.font('body').fontSize(FONT_SIZE).fillColor('#555555');
    doc.text(String(t('reports:pdf.page', { page: numbers.format(page), pages: numbers.format(Math.max(pages, page)) })), MARGIN, FOOTER_Y, { width: PAGE.width - 2 * MARGIN, align: 'right', lineBreak: false });
    doc.fillColor('black');
    y = MARGIN;
    if (page === 1) {
      doc.font('bold').fontSize(14).text(String(t('reports:pdf.title')), MARGIN, y, { lineBreak: false });
      const anyDate = String(t('reports:pdf.any-date'));
      const period = String(t('reports:pdf.period', { from: options.period.from ?? anyDate, to: options.period.to ?? anyDate }));
      const generated = String(t('reports:pdf.generated', { date: new Intl.DateTimeFormat(options.lang, { dateStyle: 'long' }).format(options.now ?? new Date()) }));
      doc.font('body').fontSize(8).text(`${period} · ${generated}`, MARGIN, y + 20, { lineBreak: false });
      y += TITLE_HEIGHT;
    }
    if (withTable) drawHeader();
  };

  let written = 0;
  try {
    await newPage(true);
    for (let result = await next; !result.done; result = await next) {
      for (const row of result.value) {
        if (y + ROW_HEIGHT > TABLE_BOTTOM) await newPage(true);
        const text = texts(row);
        if (written % 2 === 1) doc.rect(MARGIN, y, PAGE.width - 2 * MARGIN, ROW_HEIGHT).fill('#f5f5f5').fillColor('black');
        drawRow(REPORT_COLUMNS.map((column) => text[column]), ROW_HEIGHT, false);
        written += 1;
      }
      next = source.next();
    }
  } catch (error) {
    // Stops the rows (their cursor is closed) when the client goes away or drawing fails.
    await source.return?.();
    throw error;
  }
  if (written === 0) {
    doc.font('body').fontSize(FONT_SIZE).text(String(t('reports:pdf.empty')), MARGIN + CELL_PADDING, y + 2, { lineBreak: false });
    y += ROW_HEIGHT;
  }

  if (y + TOTALS_HEIGHT > TABLE_BOTTOM) await newPage(false);
  y += 8;
  const { totals } = options;
  doc.font('bold').fontSize(9).text(String(t('reports:pdf.totals')), MARGIN, y, { lineBreak: false });
  y += 14;
  const lines = [
    t('reports:pdf.rows', { count: totals.rows }),
    t('reports:pdf.people', { count: totals.people }),
    t('reports:pdf.trained-people', { count: totals.trained }),
    t('reports:pdf.by-status', totals.byStatus),
  ];
  doc.font('body').fontSize(8);
  for (const line of lines) {
    doc.text(String(line), MARGIN, y, { lineBreak: false });
    y += ROW_HEIGHT;
  }
  doc.end();
  await finished;
}
