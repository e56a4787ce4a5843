/**
 * `GET /api/v1/reports/attendance` (docs/api.md, "Target and reports"): the attendance export
 * as CSV, XLSX or PDF, streamed from a database cursor. Coordinators and administrators;
 * a coordinator limited to some countries gets only those, and asking for another is refused.
 */
import { type Request, type Response, Router } from 'express';
import { requireSignedIn } from '../accounts/bearer';
import { parseInput } from '../http/validate';
import type { Language } from '../i18n/languages';
import { readerLanguage } from '../i18n/middleware';
import { CSV_MEDIA_TYPE, writeCsv } from './csv';
import { PDF_MEDIA_TYPE, writePdf } from './pdf';
import { assertMayReport, type AttendanceReportQuery, attendanceFilterFor, attendanceReportQuery, countAttendance, countingTotals, emptyTotals, type ReportFormat } from './query';
import { reportBatches } from './rows';
import { XLSX_MEDIA_TYPE, writeXlsx } from './xlsx';
import { allowLongRequest } from '../http/request-timeout';

const MEDIA_TYPES: Record<ReportFormat, string> = { csv: CSV_MEDIA_TYPE, xlsx: XLSX_MEDIA_TYPE, pdf: PDF_MEDIA_TYPE };

/** `attendance-<from>-<to>.<ext>`: `start` without a first date, today without a last one. */
export function reportFilename(query: Pick<AttendanceReportQuery, 'format' | 'from' | 'to'>, now = new Date()): string {
  return `attendance-${query.from ?? 'start'}-${query.to ?? now.toISOString().slice(0, 10)}.${query.format}`;
}

/** Writes the report of `query` to `res`, headers included. */
export async function sendAttendanceReport(req: Request, res: Response, query: AttendanceReportQuery): Promise<void> {
  const { format, lang: requested, separator, ...filter } = query;
  const lang: Language = requested ?? readerLanguage(req);
  const t = req.i18n.getFixedT(lang);
  const attendance = await attendanceFilterFor(req.user, filter);

  res.status(200);
  res.setHeader('Content-Type', MEDIA_TYPES[format]);
  res.setHeader('Content-Disposition', `attachment; filename="${reportFilename(query)}"`);
  res.setHeader('Content-Language', lang);
  // Personal data: never kept by a browser or a proxy.
  res.setHeader('Cache-Control', 'no-store');
  // The download starts at once, while the database sorts (FerretDB sorts before the first batch);
  // each writer also sends the start of its file before it waits for the first row.
  res.flushHeaders();

  const rows = reportBatches(attendance, lang);
  if (format === 'csv') return writeCsv(rows, res, { t, separator: separator ?? ',' });
  if (format === 'xlsx') return writeXlsx(rows, res, { t });
  const totals = emptyTotals();
  // Not awaited here: the PDF's header leaves while the database counts.
  const expectedRows = countAttendance(attendance);
  return writePdf(countingTotals(rows, totals), res, { t, lang, expectedRows, totals, period: { from: filter.from, to: filter.to } });
}

export function reportsApi(): Router {
  const router = Router();

  router.get('/reports/attendance', requireSignedIn, allowLongRequest, async (req, res) => {
    assertMayReport(req.user);
    await sendAttendanceReport(req, res, parseInput(req, attendanceReportQuery, req.query));
  });

  return router;
}
