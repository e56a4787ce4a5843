/**
 * Calendar routes (issue 5, point 4).
 *
 * - `calendarApi()`: `GET /sessions/:id.ics` under /api/v1, public. Express 5's `/sessions/:id`
 *   also matches `abc.ics` (its parameter stops only at `/`), so this router must be mounted
 *   before the sessions API.
 * - `calendarPages()`: `GET /calendar/:token.ics` (no sign-in: the secret is the proof), and the
 *   profile forms `POST /profile/calendar-feed` and `POST /profile/calendar-feed/revoke`
 *   (signed-in; CSRF checked by the page stack), which redirect 303 to `/profile#calendar`.
 */
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { saveSession } from '../accounts/sign-in-session';
import { readerLanguage } from '../i18n/middleware';
import { createFeed, feedCalendar, revokeFeed } from './feed';
import { type CalendarOptions, sessionCalendar } from './session-calendar';
import { findSession } from '../sessions/access';

declare module 'express-session' {
  interface SessionData {
    /** A calendar feed URL just created, shown once on the next profile page. */
    newCalendarFeedUrl?: string;
  }
}

export const CALENDAR_CONTENT_TYPE = 'text/calendar; charset=utf-8';
export const FEED_CACHE_CONTROL = 'private, max-age=300';
export const PROFILE_CALENDAR = '/profile#calendar';

export interface CalendarRouteOptions {
  /** The site's address (config.baseUrl), without a trailing slash. */
  baseUrl: string;
  organizer?: CalendarOptions['organizer'];
}


function sendCalendar(res: Response, body: string, headers: Record<string, string>): void {
  res.status(200).set({ 'Content-Type': CALENDAR_CONTENT_TYPE, ...headers }).send(Buffer.from(body, 'utf8'));
}

export function calendarApi(options: CalendarRouteOptions): Router {
  const router = Router();
  router.get('/sessions/:id.ics', async (req, res) => {
    const id = String(req.params.id);
    const session = await findSession(id);
    const lang = readerLanguage(req);
    const body = await sessionCalendar(session, { ...options, lang, t: req.i18n.getFixedT(lang) });
    sendCalendar(res, body, {
      'Content-Disposition': `attachment; filename="session-${id}.ics"`,
      // Public data, but it changes (SEQUENCE, cancellation): short and revalidated.
      'Cache-Control': 'public, max-age=60',
    });
  });
  return router;
}

/** The feed URL kept for the next profile page, removed as it is read (shown once). */
export function takeNewFeedUrl(req: Request): string | undefined {
  const url = req.session?.newCalendarFeedUrl;
  if (url) delete req.session.newCalendarFeedUrl;
  return url;
}

const signedIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  res.redirect(303, `/sign-in?returnTo=${encodeURIComponent('/profile')}`);
};

export function calendarPages(options: CalendarRouteOptions): Router {
  const router = Router();

  router.get('/calendar/:token.ics', async (req, res) => {
    const body = await feedCalendar(String(req.params.token), { ...options, translatorFor: (lang) => req.i18n.getFixedT(lang) });
    sendCalendar(res, body, {
      'Cache-Control': FEED_CACHE_CONTROL,
      'Content-Disposition': 'inline; filename="liaise-learning.ics"',
      'X-Robots-Tag': 'noindex',
      // The secret is in the address: never passed on as a referrer.
      'Referrer-Policy': 'no-referrer',
    });
  });

  router.post('/profile/calendar-feed', signedIn, async (req, res) => {
    const created = await createFeed(req.user!.id, { baseUrl: options.baseUrl });
    req.session.newCalendarFeedUrl = created.url;
    await saveSession(req);
    res.redirect(303, PROFILE_CALENDAR);
  });

  router.post('/profile/calendar-feed/revoke', signedIn, async (req, res) => {
    await revokeFeed(req.user!.id);
    res.redirect(303, PROFILE_CALENDAR);
  });

  return router;
}
