/**
 * The same export for the web (the buttons on the dashboard and session pages): signed in with
 * the session cookie instead of a token, same query, same rules, same file.
 *
 *   <a href="/reports/attendance?format=xlsx&session=<id>">…</a>
 */
import { type RequestHandler, Router } from 'express';
import { parseInput } from '../http/validate';
import { sendAttendanceReport } from './api';
import { assertMayReport, attendanceReportQuery } from './query';
import { allowLongRequest } from '../http/request-timeout';

/** Visitors sign in and come back to the download. */
const signedIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(req.originalUrl)}`);
};

/** The page path of an export, for links: `reportLink({ format: 'csv', session: id })`. */
export function reportLink(query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  return `/reports/attendance?${params.toString()}`;
}

export function reportPages(): Router {
  const router = Router();
  router.get('/reports/attendance', signedIn, allowLongRequest, async (req, res) => {
    assertMayReport(req.user);
    // The dashboard's form sends its empty fields too: an empty field is no filter.
    const given = Object.fromEntries(Object.entries(req.query).filter(([, value]) => value !== ''));
    await sendAttendanceReport(req, res, parseInput(req, attendanceReportQuery, given));
  });
  return router;
}
