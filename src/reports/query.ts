/**
 * The attendance report (issue 6, point 6): which records, and each one as a row with the
 * names it refers to. Only the Mongo subset of database.md: sessions are resolved to ids first
 * (they are few), then attendance is read with a cursor and each batch is joined in code with
 * the users, trained flags, sessions, cities, organisations and modules it refers to (rows.ts)
 * — so memory does not grow with the number of rows.
 */
import mongoose from 'mongoose';
import { z } from 'zod';
import { can, visibleCountries } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { Attendance, type AttendanceDocument, type AttendanceStatus } from '../attendance/model';
import { Course } from '../courses/model';
import { AppError, type FieldError, ForbiddenError, ValidationError } from '../http/errors';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';
import { City } from '../reference/model';
import { TrainingSession } from '../sessions/model';
import { isCalendarDate } from '../sessions/time-zones';

export const REPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isCalendarDate);

/** `GET /api/v1/reports/attendance`: anything else in the query is refused (400). */
export const attendanceReportQuery = z.strictObject({
  format: z.enum(REPORT_FORMATS),
  from: date.optional(),
  to: date.optional(),
  country: z.string().regex(/^[A-Za-z]{2}$/).transform((code) => code.toUpperCase()).optional(),
  city: z.string().regex(/^[a-z0-9-]{1,100}$/).optional(),
  course: z.string().regex(/^[a-z0-9-]{1,100}$/).optional(),
  session: z.string().regex(/^[0-9a-f]{24}$/).optional(),
  /** The language the sessions are taught in. */
  language: z.enum(SUPPORTED_LANGUAGES).optional(),
  /** The language of the file (headers, statuses, sectors); the reader's otherwise. */
  lang: z.enum(SUPPORTED_LANGUAGES).optional(),
  /** CSV only: `;` for Excel in much of Europe. */
  separator: z.enum([',', ';']).optional(),
});
export type AttendanceReportQuery = z.output<typeof attendanceReportQuery>;
export type ReportFilter = Omit<AttendanceReportQuery, 'format' | 'lang' | 'separator'>;

/** A filter the caller may not use: a country (or its city or session) outside their scope. */
export class OutsideScopeError extends AppError {
  constructor(fieldErrors: FieldError[]) {
    super(403, 'outside-scope', 'forbidden', 'the filter is outside the coordinator’s countries', fieldErrors);
  }
}

/** Reports are for coordinators (within their countries) and administrators. */
export function assertMayReport(user: SessionUser | undefined): void {
  if (!can(user, 'programme.follow')) throw new ForbiddenError('reports are for coordinators and administrators');
}

/** The attendance query of a report: dates on `date`, everything about sessions as session ids. */
export async function attendanceFilterFor(user: SessionUser | undefined, filter: ReportFilter): Promise<Record<string, unknown>> {
  assertMayReport(user);
  const scope = visibleCountries(user);
  const outside = (path: string, country: string) =>
    new OutsideScopeError([{ path, key: 'reports:errors.outside-scope', values: { country, scope: (scope ?? []).join(', ') } }]);

  const sessionQuery: Record<string, unknown> = {};
  let restrictSessions = false;
  if (filter.country) {
    if (scope && !scope.includes(filter.country)) throw outside('country', filter.country);
    sessionQuery.country = filter.country;
    restrictSessions = true;
  }
  if (filter.city) {
    const city = await City.findById(filter.city).select({ country: 1 }).lean();
    if (!city) throw new ValidationError([{ path: 'city', key: 'reports:errors.unknown-city' }]);
    if (scope && !scope.includes(city.country)) throw outside('city', city.country);
    sessionQuery.city = filter.city;
    restrictSessions = true;
  }
  if (filter.course) {
    if (!(await Course.exists({ _id: filter.course }))) throw new ValidationError([{ path: 'course', key: 'reports:errors.unknown-course' }]);
    sessionQuery['courses.slug'] = filter.course;
    restrictSessions = true;
  }
  if (filter.session) {
    const session = await TrainingSession.findById(filter.session).select({ country: 1 }).lean();
    if (!session) throw new ValidationError([{ path: 'session', key: 'reports:errors.unknown-session' }]);
    if (scope && !scope.includes(session.country)) throw outside('session', session.country);
    sessionQuery._id = session._id;
    restrictSessions = true;
  }
  if (filter.language) {
    sessionQuery.language = filter.language;
    restrictSessions = true;
  }
  if (scope) {
    // A coordinator of no country at all sees nothing; one of some countries sees those.
    if (!filter.country) sessionQuery.country = mongoose.trusted({ $in: scope });
    restrictSessions = true;
  }

  const query: Record<string, unknown> = {};
  if (restrictSessions) {
    const ids = await TrainingSession.find(sessionQuery).select({ _id: 1 }).lean();
    query.session = mongoose.trusted({ $in: ids.map((session) => session._id) });
  }
  if (filter.from || filter.to) {
    query.date = mongoose.trusted({ ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) });
  }
  return query;
}

/** One line of the report: one person on one day of one session. */
export interface ReportRow {
  sessionId: string;
  sessionTitle: string;
  /** "Title (version)", one per module. */
  modules: string[];
  city: string;
  country: string;
  /** The local date, 'YYYY-MM-DD'. */
  date: string;
  start: string;
  end: string;
  userId: string;
  name: string;
  email: string;
  organisation: string;
  /** The sector's key (see accounts.SECTORS), or ''. */
  sector: string;
  status: AttendanceStatus;
  trained: boolean;
}

export const REPORT_BATCH_SIZE = 500;

export type ReportAttendance = Pick<AttendanceDocument, '_id' | 'session' | 'day' | 'date' | 'user' | 'status'>;
/** What a row takes from an attendance record, and the report's order (date, session, person). */
export const REPORT_FIELDS = { _id: 1, session: 1, day: 1, date: 1, user: 1, status: 1 } as const;
export const REPORT_ORDER = { date: 1, session: 1, user: 1 } as const;

/** The records matching `query` in report order, one by one (rows.ts reads them a batch at a time). */
export function attendanceCursor(query: Record<string, unknown>, batchSize = REPORT_BATCH_SIZE) {
  return Attendance.find(query).select(REPORT_FIELDS).sort(REPORT_ORDER).lean<ReportAttendance[]>().cursor({ batchSize });
}

export function countAttendance(query: Record<string, unknown>): Promise<number> {
  return Attendance.countDocuments(query);
}

/** What the PDF's totals block says (the other formats end with the last row). */
export interface ReportTotals {
  rows: number;
  people: number;
  trained: number;
  byStatus: Record<AttendanceStatus, number>;
}

/** Counts rows as they pass (distinct people are kept as ids: bounded by the number of people). */
export async function* countingTotals(batches: AsyncIterable<ReportRow[]>, totals: ReportTotals): AsyncGenerator<ReportRow[]> {
  const people = new Set<string>();
  const trainedPeople = new Set<string>();
  for await (const batch of batches) {
    for (const row of batch) {
      totals.rows += 1;
      totals.byStatus[row.status] += 1;
      people.add(row.userId);
      if (row.trained) trainedPeople.add(row.userId);
    }
    totals.people = people.size;
    totals.trained = trainedPeople.size;
    yield batch;
  }
}

export function emptyTotals(): ReportTotals {
  return { rows: 0, people: 0, trained: 0, byStatus: { present: 0, late: 0, excused: 0, absent: 0 } };
}
