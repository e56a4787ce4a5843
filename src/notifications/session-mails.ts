/**
 * Mails on what happens to sessions and places in them (issue 5, point 6), sent by listening
 * to `enrolmentEvents` (enrolled, waiting, promoted) and `sessionEvents` (changed, cancelled).
 * Listeners run after the change is stored and never throw into the request: each mail is
 * sent in the background and a failure is logged.
 *
 * One set of listeners per process: starting again replaces the previous one (tests build
 * many apps in one process, and each would otherwise mail everybody once more).
 */
import mongoose from 'mongoose';
import { enrolmentEvents, type EnrolmentEvents } from '../enrolment/service';
import { SeatClaim, WaitClaim } from '../enrolment/model';
import { sessionEvents, type SessionEvents } from '../sessions/events';
import { TrainingSession, type TrainingSessionDocument } from '../sessions/model';
import { findRecipient, type MailSession, type SessionMailContext, type SessionMailExtras, type SessionMailKind, sendSessionMail } from './session-mail';

export interface SessionMails {
  /** Stops listening; mails already under way still go. */
  stop(): void;
  /** Resolves once every mail under way has been sent or has failed (tests, shutdown). */
  idle(): Promise<void>;
}

let active: SessionMails | undefined;

const MAILS_AT_ONCE = 4;

/** Everyone holding a seat or a place on the waiting list, each once. */
export async function peopleOf(sessionId: mongoose.Types.ObjectId): Promise<string[]> {
  const [seats, tickets] = await Promise.all([
    SeatClaim.find({ session: sessionId }).select({ user: 1 }).lean(),
    WaitClaim.find({ session: sessionId }).select({ user: 1 }).lean(),
  ]);
  return [...new Set([...seats, ...tickets].map((claim) => String(claim.user)))];
}

export function startSessionMails(context: SessionMailContext): SessionMails {
  active?.stop();
  const pending = new Set<Promise<void>>();
  // A few mails at a time: a crowd enrolling at once started hundreds of renders and reads together, which slowed the answers they follow (issue 13).
  let busy = 0;
  const waiting: Array<() => void> = [];
  const slot = () => (busy < MAILS_AT_ONCE ? ((busy += 1), Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else busy -= 1;
  };
  const track = (work: () => Promise<void>, what: Record<string, unknown>) => {
    const running = slot()
      .then(() => work().finally(release))
      .catch((error: unknown) => context.log.error({ err: error, ...what }, 'a session mail could not be sent'))
      .finally(() => pending.delete(running));
    pending.add(running);
  };

  const mailOne = async (kind: SessionMailKind, userId: string, session: MailSession, extras: SessionMailExtras = {}) => {
    const recipient = await findRecipient(userId, context.config.defaultLanguage);
    if (!recipient) return;
    await sendSessionMail(context, kind, recipient, session, extras);
    context.log.info({ kind, session: String(session._id), user: userId }, `session mail ${kind} sent`);
  };
  const loadSession = async (sessionId: string) => {
    const session = await TrainingSession.findById(new mongoose.Types.ObjectId(sessionId)).lean<TrainingSessionDocument>();
    if (!session) throw new Error(`no session ${sessionId}`);
    return session;
  };
  /** Everyone enrolled or waiting, one mail each, one failure not stopping the others. */
  const mailEveryone = (kind: SessionMailKind, session: TrainingSessionDocument, extras: SessionMailExtras) => {
    track(async () => {
      for (const userId of await peopleOf(session._id)) {
        track(() => mailOne(kind, userId, session, extras), { kind, session: String(session._id), user: userId });
      }
    }, { kind, session: String(session._id) });
  };

  const onEnrolled = ({ sessionId, userId, status, position }: EnrolmentEvents['enrolled'][0]) => {
    const kind = status === 'enrolled' ? 'enrolled' : 'waitlisted';
    track(async () => mailOne(kind, userId, await loadSession(sessionId), position !== undefined ? { position } : {}), { kind, session: sessionId, user: userId });
  };
  const onPromoted = ({ sessionId, userId }: EnrolmentEvents['promoted'][0]) => {
    track(async () => mailOne('promoted', userId, await loadSession(sessionId)), { kind: 'promoted', session: sessionId, user: userId });
  };
  const onChanged = ({ session, time, place }: SessionEvents['changed'][0]) => mailEveryone('changed', session, { time, place });
  const onCancelled = ({ session }: SessionEvents['cancelled'][0]) => mailEveryone('cancelled', session, {});

  enrolmentEvents.on('enrolled', onEnrolled);
  enrolmentEvents.on('promoted', onPromoted);
  sessionEvents.on('changed', onChanged);
  sessionEvents.on('cancelled', onCancelled);

  const handle: SessionMails = {
    stop() {
      enrolmentEvents.off('enrolled', onEnrolled);
      enrolmentEvents.off('promoted', onPromoted);
      sessionEvents.off('changed', onChanged);
      sessionEvents.off('cancelled', onCancelled);
      if (active === handle) active = undefined;
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
  active = handle;
  return handle;
}

/** Stops the listeners started last, if any (tests, shutdown). */
export function stopSessionMails(): void {
  active?.stop();
}

/** The listeners started last, if any: to wait for their mails (tests). */
export function activeSessionMails(): SessionMails | undefined {
  return active;
}
