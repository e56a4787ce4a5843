/**
 * Self check-in on the API and the web (issue 6, point 2; docs/api.md, "Attendance").
 *
 * API: `POST /api/v1/sessions/:id/days/:day/check-in-code` (staff) `{minutes?}` -> 201
 * `{code, validFrom, validUntil, url}`; `POST /api/v1/sessions/:id/days/:day/check-in` `{code}`
 * -> 200 `{status, already}`.
 * Web: `/sessions/:id/days/:day/check-in-code` (staff: open a code, see it large with its QR
 * image), `/check-in` (people: the form, prefilled from the QR link).
 *
 * Wrong codes (any refusal, in fact) count against the person: 10 in 15 minutes, then 429 with
 * Retry-After, the API and the form sharing one database-backed counter.
 */
import { type Request, type RequestHandler, type Response, Router } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { requireSignedIn } from '../accounts/bearer';
import { AppError, ForbiddenError } from '../http/errors';
import { FIFTEEN_MINUTES, limitRequests } from '../http/rate-limit';
import { renderPage } from '../http/render';
import { formErrorsFrom, parseInput } from '../http/validate';
import { readerLanguage } from '../i18n/middleware';
import { zoneLabel } from '../sessions/pages/view';
import { CHECK_IN_MINUTES, checkIn, checkInUrl, currentCheckInWindow, openCheckInCode } from './check-in';
import { ATTENDANCE_STATUSES } from './model';
import { sessionDay } from './roll-call';
import { managesSession } from '../sessions/access';

export interface CheckInRouteOptions {
  /** The site's address (config.baseUrl): the QR image holds an absolute link. */
  baseUrl: string;
}

export const CHECK_IN_FAILURES = 10;

/** Failed check-ins per person (not per address: a room shares one Wi-Fi). */
export function checkInLimit(): RequestHandler {
  return limitRequests({ name: 'check-in-person', limit: CHECK_IN_FAILURES, windowMs: FIFTEEN_MINUTES, onlyFailures: true, key: (req) => req.user?.id });
}

/** `POST .../check-in-code`: how long the code works, in minutes (default 30; clipped to the day's end). */
export const checkInCodeRequestSchema = z.strictObject({ minutes: z.number().int().min(CHECK_IN_MINUTES.min).max(CHECK_IN_MINUTES.max).optional() });
/** `POST .../check-in`: the code as shown (case, spaces and dashes do not matter). */
export const checkInRequestSchema = z.strictObject({ code: z.string().trim().min(1).max(32) });
/** The code opened: shown once, never stored in clear; `url` is what the QR image holds. */
export const checkInCodeSchema = z.strictObject({ code: z.string(), validFrom: z.string(), validUntil: z.string(), url: z.string() });
/** The status the person now has that day; `already`: they had one (a replay, or recorded by the staff). */
export const checkInResultSchema = z.strictObject({ status: z.enum(ATTENDANCE_STATUSES), already: z.boolean() });

const dayNumberOf = (req: Request) => (/^\d{1,2}$/.test(String(req.params.day)) ? Number(req.params.day) : 0);

export function checkInApi(options: CheckInRouteOptions): Router {
  const router = Router();

  router.post('/sessions/:id/days/:day/check-in-code', requireSignedIn, async (req, res) => {
    const { minutes } = parseInput(req, checkInCodeRequestSchema, req.body ?? {});
    const sessionId = String(req.params.id);
    const opened = await openCheckInCode(req.user, sessionId, dayNumberOf(req), minutes);
    res.set('Cache-Control', 'no-store');
    res.status(201).json({
      code: opened.code,
      validFrom: opened.validFrom.toISOString(),
      validUntil: opened.validUntil.toISOString(),
      url: checkInUrl(options.baseUrl, sessionId, dayNumberOf(req), opened.code),
    });
  });

  router.post('/sessions/:id/days/:day/check-in', requireSignedIn, checkInLimit(), async (req, res) => {
    const { code } = parseInput(req, checkInRequestSchema, req.body ?? {});
    res.json(await checkIn(req.user, String(req.params.id), dayNumberOf(req), code));
  });

  return router;
}

// ---- Pages -------------------------------------------------------------------------------------

type FormErrors = Array<{ path: string; message: string }>;

const signedIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/check-in')}`);
};

const text = (value: unknown, max = 64): string => (typeof value === 'string' ? value.slice(0, max) : '');

async function staffDay(req: Request) {
  const { session, day } = await sessionDay(String(req.params.id), dayNumberOf(req));
  if (!managesSession(req.user, session)) throw new ForbiddenError();
  const lang = readerLanguage(req);
  const timeFormat = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZone: session.timezone });
  const dateFormat = new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: session.timezone });
  const theDay = session.days[day]!;
  return {
    session,
    day,
    view: {
      id: String(session._id),
      title: session.title,
      dayNumber: day + 1,
      dateLabel: dateFormat.format(theDay.startsAt),
      timeLabel: `${timeFormat.format(theDay.startsAt)}–${timeFormat.format(theDay.endsAt)}`,
      zone: zoneLabel(session.timezone, theDay.startsAt, lang),
    },
    time: (at: Date) => timeFormat.format(at),
  };
}

async function renderCodePage(
  req: Request,
  res: Response,
  options: CheckInRouteOptions,
  extra: { opened?: { code: string; validUntil: Date }; errors?: FormErrors; minutes?: string },
  status = 200,
) {
  const { session, day, view, time } = await staffDay(req);
  const window = await currentCheckInWindow(session._id, day);
  const now = Date.now();
  let shown: { code: string; url: string; qrSvg: string; until: string } | undefined;
  if (extra.opened) {
    const url = checkInUrl(options.baseUrl, view.id, view.dayNumber, extra.opened.code);
    shown = { code: extra.opened.code, url, qrSvg: await QRCode.toString(url, { errorCorrectionLevel: 'M', margin: 4, type: 'svg', width: 320 }), until: time(extra.opened.validUntil) };
    // The code is shown once, here: no cache may keep it.
    res.set('Cache-Control', 'no-store');
  }
  await renderPage(
    res,
    'attendance/check-in-code',
    {
      title: req.t('attendance:check-in.code-page.title'),
      session: view,
      shown,
      current: window && window.validUntil.getTime() > now && window.validFrom.getTime() <= now ? { until: time(window.validUntil) } : undefined,
      minutes: extra.minutes ?? String(CHECK_IN_MINUTES.default),
      limits: CHECK_IN_MINUTES,
      errors: extra.errors ?? [],
    },
    status,
  );
}

async function renderCheckInForm(req: Request, res: Response, values: { session: string; day: string; code: string }, errors: FormErrors = [], status = 200) {
  await renderPage(res, 'attendance/check-in', { title: req.t('attendance:check-in.form.title'), values, errors }, status);
}

export function checkInPages(options: CheckInRouteOptions): Router {
  const router = Router();

  router.get('/sessions/:id/days/:day/check-in-code', signedIn, async (req, res) => renderCodePage(req, res, options, {}));

  router.post('/sessions/:id/days/:day/check-in-code', signedIn, async (req, res) => {
    const raw = text((req.body as Record<string, unknown> | undefined)?.minutes, 8).trim();
    const minutes = raw === '' ? CHECK_IN_MINUTES.default : /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
    try {
      const opened = await openCheckInCode(req.user, String(req.params.id), dayNumberOf(req), minutes);
      await renderCodePage(req, res, options, { opened, minutes: raw });
    } catch (error) {
      const errors = formErrorsFrom(error, req.t);
      if (!errors) throw error;
      await renderCodePage(req, res, options, { errors, minutes: raw }, (error as AppError).status);
    }
  });

  router.get('/check-in', signedIn, async (req, res) => {
    await renderCheckInForm(req, res, { session: text(req.query.session), day: text(req.query.day, 4), code: text(req.query.code, 32) });
  });

  router.post('/check-in', signedIn, checkInLimit(), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = { session: text(body.session), day: text(body.day, 4), code: text(body.code, 32) };
    const dayNumber = /^\d{1,2}$/.test(values.day) ? Number(values.day) : 0;
    try {
      const { status } = await checkIn(req.user, values.session, dayNumber, values.code);
      res.redirect(303, `/sessions/${values.session}?check-in=${status}#check-in`);
    } catch (error) {
      const errors = error instanceof AppError && error.status === 403 ? [{ path: 'code', message: req.t('attendance:check-in.errors.not-enrolled') }] : formErrorsFrom(error, req.t);
      if (!errors) throw error;
      await renderCheckInForm(req, res, values, errors, (error as AppError).status);
    }
  });

  return router;
}
