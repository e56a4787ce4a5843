/** The sessions pages: find, read, schedule, edit, cancel (issue 5). */
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { renderPage } from '../../http/render';
import { readerLanguage } from '../../i18n/middleware';
import { findSession, managesSession } from '../access';
import { namesFor } from '../present';
import { cancelPage, confirmCancel, createFromForm, editPage, newSessionPage, saveEdit } from './form-pages';
import { sessionList } from './list-pages';
import { monthPage } from './month-page';
import { addToRoster, desk, ENROLMENT_OUTCOMES, enrolSelf, leave, myPlace, removeFromRoster, roster, rosterCsv, withdrawFromRoster } from './enrolment-pages';
import type { AccountsContext } from '../../accounts/service';
import { ForbiddenError } from '../../http/errors';
import { canSchedule } from '../schedule';
import { sessionForPage } from './view';

const DONE = ['scheduled', 'saved', 'cancelled'];

/** Visitors sign in and come back; the handlers decide who else may. */
const signedIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/sessions')}`);
};

async function sessionPage(req: Request, res: Response) {
  const session = await findSession(String(req.params.id));
  const lang = readerLanguage(req);
  const view = sessionForPage(session, await namesFor([session], lang), lang);
  await renderPage(res, 'sessions/session', {
    title: session.title,
    session: view,
    manages: managesSession(req.user, session),
    done: typeof req.query.done === 'string' && DONE.includes(req.query.done) ? req.query.done : undefined,
    place: await myPlace(req.user?.id, String(session._id)),
    enrolmentOutcome: typeof req.query.enrolment === 'string' && (ENROLMENT_OUTCOMES as readonly string[]).includes(req.query.enrolment) ? req.query.enrolment : undefined,
    enrolmentOpen: session.status === 'open' && session.enrolmentDeadline.getTime() >= Date.now(),
    signedIn: Boolean(req.user),
    checkInOutcome: typeof req.query['check-in'] === 'string' && ['present', 'late', 'excused'].includes(req.query['check-in']) ? req.query['check-in'] : undefined,
    venueBusy: req.query.warning === 'venue-busy',
  });
}

export function sessionPages(accounts: AccountsContext): Router {
  const router = Router();
  router.get('/sessions', sessionList);
  router.get('/sessions/calendar', monthPage);
  router.get('/sessions/new', signedIn, newSessionPage);
  router.post('/sessions/new', signedIn, createFromForm);
  router.get('/sessions/:id', sessionPage);
  router.get('/sessions/:id/edit', signedIn, editPage);
  router.post('/sessions/:id/edit', signedIn, saveEdit);
  router.get('/desk', signedIn, (req, res, next) => (canSchedule(req.user) ? desk(req, res) : next(new ForbiddenError())));
  router.post('/sessions/:id/enrol', signedIn, enrolSelf);
  router.post('/sessions/:id/leave', signedIn, leave);
  router.get('/sessions/:id/roster', signedIn, roster);
  router.post('/sessions/:id/roster', signedIn, addToRoster(accounts));
  router.get('/sessions/:id/roster.csv', signedIn, rosterCsv);
  router.post('/sessions/:id/roster/:userId/remove', signedIn, removeFromRoster);
  router.post('/sessions/:id/invitations/:invitationId/withdraw', signedIn, withdrawFromRoster);
  router.get('/sessions/:id/cancel', signedIn, cancelPage);
  router.post('/sessions/:id/cancel', signedIn, confirmCancel);
  return router;
}
