/**
 * Enrolment on the web (issue 5, points 5 and 7): enrol or leave from the session page, and
 * for its staff the roster (add someone by email, cancel someone, export as CSV) and the desk
 * of a trainer's upcoming sessions.
 */
import { allSessions } from '../in-memory';
import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';
import { renderPage } from '../../http/render';
import { formErrorsFrom } from '../../http/validate';
import { readerLanguage } from '../../i18n/middleware';
import type { AccountsContext } from '../../accounts/service';
import mongoose from 'mongoose';
import { claimState } from '../../enrolment/claims';
import { cancelEnrolment, enrol, listEnrolments } from '../../enrolment/service';
import { addPerson } from '../../invitations/add';
import { listInvitations, withdrawInvitation } from '../../invitations/service';
import { findSession, managedSession } from '../access';
import type { TrainingSessionDocument } from '../model';
import { namesFor } from '../present';
import { sessionForPage } from './view';

/** Outcomes announced on the session page after a redirect. */
export const ENROLMENT_OUTCOMES = ['enrolled', 'waitlisted', 'left', 'declined', 'deadline-passed', 'session-not-open', 'already-enrolled', 'already-waitlisted', 'email-unverified'] as const;

/** The signed-in person's place in a session: enrolled, waiting at a position, or neither. */
export async function myPlace(userId: string | undefined, sessionId: string): Promise<{ status: 'enrolled' | 'waitlisted'; position?: number } | undefined> {
  if (!userId || !OBJECT_ID.test(userId) || !OBJECT_ID.test(sessionId)) return undefined;
  // The person's claims in this session only: all their enrolments were read before, with their history.
  const state = await claimState(new mongoose.Types.ObjectId(sessionId), new mongoose.Types.ObjectId(userId));
  if (state.status === 'cancelled') return undefined;
  return { status: state.status, ...(state.position !== undefined ? { position: state.position } : {}) };
}

const OBJECT_ID = /^[a-f0-9]{24}$/i;

const codeOf = (error: unknown) => (error as { code?: unknown }).code;

export async function enrolSelf(req: Request, res: Response) {
  const session = await findSession(String(req.params.id));
  try {
    const result = await enrol(req.user!, String(session._id));
    res.redirect(303, `/sessions/${String(session._id)}?enrolment=${result.status}#enrolment`);
  } catch (error) {
    const code = codeOf(error);
    if (typeof code !== 'string' || !(ENROLMENT_OUTCOMES as readonly string[]).includes(code)) throw error;
    res.redirect(303, `/sessions/${String(session._id)}?enrolment=${code}#enrolment`);
  }
}

export async function leave(req: Request, res: Response) {
  const session = await findSession(String(req.params.id));
  try {
    await cancelEnrolment(req.user!, String(session._id), 'me');
  } catch (error) {
    // Already gone (a second click): the page shows the truth.
    if (codeOf(error) !== 'not-enrolled') throw error;
  }
  res.redirect(303, `/sessions/${String(session._id)}?enrolment=left#enrolment`);
}

async function rosterPage(req: Request, res: Response, state: { email?: string; errors?: Array<{ path: string; message: string }>; done?: string } = {}, status = 200) {
  const session = await managedSession(req.user, String(req.params.id));
  const lang = readerLanguage(req);
  const [people, invitations] = await Promise.all([listEnrolments(req.user!, String(session._id)), listInvitations(session._id)]);
  const dateFormat = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: session.timezone });
  await renderPage(
    res,
    'sessions/roster',
    {
      title: req.t('sessions:roster.title', { title: session.title }),
      session: sessionForPage(session, await namesFor([session], lang), lang),
      enrolled: people.filter((person) => person.status === 'enrolled'),
      waiting: people.filter((person) => person.status === 'waitlisted'),
      invitations: invitations.map((invitation) => ({ ...invitation, invitedLabel: dateFormat.format(invitation.invitedAt), expiresLabel: dateFormat.format(invitation.expiresAt) })),
      email: state.email ?? '',
      errors: state.errors ?? [],
      done: state.done ?? (typeof req.query.done === 'string' && (ROSTER_DONE as readonly string[]).includes(req.query.done) ? req.query.done : undefined),
    },
    status,
  );
}

/** What the roster announces after a change. */
const ROSTER_DONE = ['added', 'waitlisted', 'invited', 'removed', 'withdrawn'] as const;

export const roster = (req: Request, res: Response) => rosterPage(req, res);

/** Adds someone by email: enrolled if the trainer may already see them, else invited (invitations/add.ts). */
export function addToRoster(accounts: AccountsContext) {
  return async (req: Request, res: Response) => {
    const session = await managedSession(req.user, String(req.params.id));
    const email = typeof req.body?.email === 'string' ? req.body.email.trim() : '';
    if (!/^[^\s@]{1,64}@[^\s@]{1,255}$/.test(email)) {
      return rosterPage(req, res, { email, errors: [{ path: 'email', message: req.t('errors:field.invalid-email') }] }, 400);
    }
    try {
      const outcome = await addPerson(accounts, req.user!, String(session._id), { email });
      const done = outcome.kind === 'invited' ? 'invited' : outcome.status === 'enrolled' ? 'added' : 'waitlisted';
      res.redirect(303, `/sessions/${String(session._id)}/roster?done=${done}`);
    } catch (error) {
      const errors = formErrorsFrom(error, req.t);
      if (!errors) throw error;
      // A disabled account the trainer may see is a mistake in the form (400), not a missing page.
      const status = (error as { status?: number }).status;
      await rosterPage(req, res, { email, errors: errors.map((entry) => ({ ...entry, path: 'email' })) }, status === 409 || status === 403 ? status : 400);
    }
  };
}

export async function withdrawFromRoster(req: Request, res: Response) {
  const session = await managedSession(req.user, String(req.params.id));
  // Already gone (a second click): the roster shows the truth.
  await withdrawInvitation(session._id, String(req.params.invitationId));
  res.redirect(303, `/sessions/${String(session._id)}/roster?done=withdrawn`);
}

export async function removeFromRoster(req: Request, res: Response) {
  const session = await managedSession(req.user, String(req.params.id));
  const userId = String(req.params.userId);
  try {
    await cancelEnrolment(req.user!, String(session._id), userId);
  } catch (error) {
    if (codeOf(error) !== 'not-enrolled') throw error;
  }
  res.redirect(303, `/sessions/${String(session._id)}/roster?done=removed`);
}


export async function rosterCsv(req: Request, res: Response) {
  const session = await managedSession(req.user, String(req.params.id));
  const people = await listEnrolments(req.user!, String(session._id));
  const header = ['name', 'email', 'organisation', 'sector', 'status', 'position'].map((column) => req.t(`sessions:roster.csv.${column}`));
  const rows = people.map((person) => [person.name, person.email, person.organisation ?? '', person.sector ?? '', req.t(`sessions:roster.status.${person.status}`), person.position ?? ''].map(String));
  // escape_formulas: a cell a spreadsheet would run as a formula (=, +, -, @) starts with a quote instead.
  const csv = stringify([header, ...rows], { record_delimiter: 'windows', escape_formulas: true });
  const name = `roster-${session.days[0]!.date}-${String(session._id).slice(-6)}.csv`;
  res.type('text/csv; charset=utf-8').attachment(name).send(`\uFEFF${csv}`);
}

/** A trainer's (or coordinator's) upcoming sessions with seats taken and waiting. */
export async function desk(req: Request, res: Response) {
  const lang = readerLanguage(req);
  const now = Date.now();
  const mine = (await allSessions())
    .filter((session) => session.lastEndsAt.getTime() > now && session.trainers.some((trainer) => String(trainer) === req.user!.id))
    .slice(0, 200) as TrainingSessionDocument[];
  const names = await namesFor(mine, lang);
  await renderPage(res, 'sessions/desk', { title: req.t('sessions:desk.title'), sessions: mine.map((session) => sessionForPage(session, names, lang)) });
}
