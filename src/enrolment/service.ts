/**
 * Enrolment (issue 5, point 5): a verified person enrols themself; a session's trainers, the
 * coordinators of its country and administrators enrol others by account id or email.
 * Capacity is never exceeded whatever the concurrency: seats and waiting places are claim
 * documents under unique indexes (claims.ts); beyond capacity people wait, in order, and a
 * cancellation promotes the first waiting at once. No enrolment after the deadline or in a
 * session that is not open, for anybody.
 *
 * The `Enrolment` record (status, seat, ticket, history) is written from the claims after
 * each change and checked again, so it follows them; the session's `seatsTaken` and
 * `waitlisted` are recounted from the claims, never `$inc`-ed. The claims of one session are
 * made in turn within a process, simultaneous enrolments together (queue.ts).
 */
import { allSessions } from '../sessions/in-memory';
import mongoose from 'mongoose';
import { accountsByIds } from '../accounts/by-ids';
import { User, type UserDocument } from '../accounts/model';
import { can } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { findOrganisation } from '../reference/service';
import { TrainingSession, type TrainingSessionDocument } from '../sessions/model';
import { managesSession, runsProgramme } from '../sessions/access';
import { claimState, positionOf, recountSession, releaseClaims, seatCounts, type SeatCounts } from './claims';
import { EnrolmentConflictError, EnrolmentForbiddenError, EnrolmentNotFoundError } from './errors';
import { Enrolment, enrolmentIndexesReady, type EnrolmentStatus, SeatClaim, WaitClaim } from './model';
import { type EnrolResult, inTurn, type Person, queueEnrolment } from './queue';
import { promote, syncEnrolment } from './records';

type Id = mongoose.Types.ObjectId;

export { enrolmentEvents, type EnrolmentEvents } from './events';

const OBJECT_ID = /^[a-f0-9]{24}$/i;

/** Someone to enrol: an account id, or the email address of an existing account. */
export type EnrolTarget = { userId: string } | { email: string };

type SessionFacts = Pick<TrainingSessionDocument, '_id' | 'title' | 'country' | 'capacity' | 'status' | 'enrolmentDeadline' | 'enrolmentDeadlineDate' | 'trainers'>;
const SESSION_FACTS = { title: 1, country: 1, capacity: 1, status: 1, enrolmentDeadline: 1, enrolmentDeadlineDate: 1, trainers: 1 } as const;

export const sessionNotFound = () => new EnrolmentNotFoundError('session-unknown', 'no such training session');

async function findSession(sessionId: string): Promise<SessionFacts> {
  const session = OBJECT_ID.test(sessionId)
    ? await TrainingSession.findById(sessionId)
        .select<SessionFacts>(SESSION_FACTS)
        .lean()
    : null;
  if (!session) throw sessionNotFound();
  return session;
}

export const notStaff = () => new EnrolmentForbiddenError('not-session-staff', "only the session's trainers, coordinators of its country and administrators may do this");

/**
 * 409 unless the session takes enrolments now: open, and before its deadline except for its
 * coordinators and administrators, who may still add people to record training already held.
 */
export function assertTakesEnrolments(actor: SessionUser, session: Pick<SessionFacts, 'status' | 'enrolmentDeadline' | 'enrolmentDeadlineDate' | 'country'>, now: Date, options: EnrolOptions = {}): void {
  if (session.status !== 'open') throw new EnrolmentConflictError('session-not-open', 'this session is not open for enrolment');
  if (options.invited || runsProgramme(actor, session.country)) return;
  if (now.getTime() > session.enrolmentDeadline.getTime()) {
    throw new EnrolmentConflictError('deadline-passed', 'the enrolment deadline has passed', { deadline: session.enrolmentDeadlineDate });
  }
}

export interface EnrolOptions {
  /** Accepting an invitation, whose own expiry was checked: it may outlast the deadline (invitations/service.ts). */
  invited?: boolean;
}

const isSelf = (actor: SessionUser, target: EnrolTarget | undefined) =>
  target === undefined ||
  ('userId' in target && target.userId.toLowerCase() === actor.id.toLowerCase()) ||
  ('email' in target && target.email.trim().toLowerCase() === actor.email.toLowerCase());

/** Someone else to enrol; only the session's staff may name them (checked before looking them up). */
async function resolveOther(actor: SessionUser, session: SessionFacts, target: EnrolTarget): Promise<Person> {
  if (!managesSession(actor, session)) throw notStaff();
  let found: (Person & Pick<UserDocument, 'status'>) | null = null;
  if ('userId' in target) {
    if (OBJECT_ID.test(target.userId)) found = await User.findById(target.userId).select({ name: 1, email: 1, status: 1 }).lean();
  } else {
    found = await User.findOne({ email: target.email.trim().toLowerCase() }).select({ name: 1, email: 1, status: 1 }).lean();
  }
  if (!found || found.status !== 'active') throw new EnrolmentNotFoundError('user-unknown', 'no active account with this id or email', 'userId' in target ? 'userId' : 'email');
  return found;
}

export type { EnrolResult };

/**
 * Enrols the actor (no target) or, for the session's staff, someone else: routes add others
 * through invitations/add.ts, which enrols only the people the actor may already see. A seat
 * when one is free and nobody is waiting for it, else the end of the waiting list.
 * 403 `email-unverified`, `not-session-staff`; 404 `session-unknown`, `user-unknown`;
 * 409 `session-not-open`, `deadline-passed`, `already-enrolled`, `already-waitlisted`.
 */
export async function enrol(actor: SessionUser, sessionId: string, target?: EnrolTarget, now: Date = new Date(), options: EnrolOptions = {}): Promise<EnrolResult> {
  await enrolmentIndexesReady();
  const by = new mongoose.Types.ObjectId(actor.id);
  // Oneself: the session is read once for the whole batch this request joins (queue.ts), and checked there, in the same order as for others.
  if (isSelf(actor, target)) {
    if (!OBJECT_ID.test(sessionId)) throw sessionNotFound();
    const person = { _id: by, name: actor.name, email: actor.email };
    return queueEnrolment(new mongoose.Types.ObjectId(sessionId), person, by, now, SESSION_FACTS, (session: SessionFacts | null) => {
      if (!session) throw sessionNotFound();
      if (!can(actor, 'sessions.enrol-self')) throw new EnrolmentForbiddenError('email-unverified', 'confirm your email address before enrolling');
      assertTakesEnrolments(actor, session, now, options);
    });
  }
  const session = await findSession(sessionId);
  const person = await resolveOther(actor, session, target!);
  assertTakesEnrolments(actor, session, now, options);
  return queueEnrolment(session._id, person, by, now, SESSION_FACTS, (fresh: SessionFacts | null) => {
    if (!fresh) throw sessionNotFound();
  });
}

export interface CancelResult {
  cancelled: true;
  /** What the person was before. */
  was: Exclude<EnrolmentStatus, 'cancelled'>;
  /** The first person promoted into the freed seat, for the mail. */
  promoted?: string;
  /** Everyone this cancellation promoted, in order (more than one only after a capacity change or a race). */
  promotedUsers: string[];
}

/**
 * Cancels an enrolment or a place on the waiting list: by the person (`'me'` or their id),
 * the session's trainers, coordinators of its country, administrators. A freed seat goes at
 * once to the first person waiting (while the session is open).
 * 403 `not-session-staff`; 404 `session-unknown`, `not-enrolled`.
 */
export async function cancelEnrolment(actor: SessionUser, sessionId: string, userId: string, now: Date = new Date()): Promise<CancelResult> {
  await enrolmentIndexesReady();
  const session = await findSession(sessionId);
  const self = userId === 'me' || userId.toLowerCase() === actor.id.toLowerCase();
  if (self ? actor.status !== 'active' : !managesSession(actor, session)) throw notStaff();
  const target = self ? actor.id : userId;
  if (!OBJECT_ID.test(target)) throw new EnrolmentNotFoundError('not-enrolled', 'not enrolled in this session');
  const user = new mongoose.Types.ObjectId(target);
  // In the session's queue, between the batches of enrolments of this instance (queue.ts).
  return inTurn(session._id, async () => {
    const before = await claimState(session._id, user);
    if (before.status === 'cancelled') throw new EnrolmentNotFoundError('not-enrolled', 'not enrolled in this session');

    const by = new mongoose.Types.ObjectId(actor.id);
    await releaseClaims(session._id, user);
    await syncEnrolment(session._id, user, by, now);
    const promoted = session.status === 'open' ? await promote(session._id, by, now) : [];
    await recountSession(session._id);
    return { cancelled: true as const, was: before.status as Exclude<EnrolmentStatus, 'cancelled'>, ...(promoted[0] ? { promoted: promoted[0] } : {}), promotedUsers: promoted };
  });
}

/**
 * Gives free seats to the people waiting, e.g. after the capacity was raised (PATCH);
 * returns who was promoted, in order.
 */
export async function fillFreeSeats(actor: SessionUser, sessionId: string, now: Date = new Date()): Promise<string[]> {
  await enrolmentIndexesReady();
  const session = await findSession(sessionId);
  return inTurn(session._id, async () => {
    const promoted = await promote(session._id, new mongoose.Types.ObjectId(actor.id), now);
    await recountSession(session._id);
    return promoted;
  });
}

/** Seats taken now, for refusing a capacity below it (PATCH): `taken`, and `highestSeat`, which capacity must not go below either. */
export async function seatsTaken(sessionId: string): Promise<SeatCounts> {
  return seatCounts(sessionId);
}

export interface EnrolmentListItem {
  userId: string;
  name: string;
  email: string;
  organisation: string | null;
  sector: string | null;
  status: 'enrolled' | 'waitlisted';
  /** For the people waiting: their rank, from 1. */
  position?: number;
}

/** The people of a session for its staff: enrolled first (in the order they got their seat), then the waiting list in order. */
export async function listEnrolments(actor: SessionUser, sessionId: string): Promise<EnrolmentListItem[]> {
  const session = await findSession(sessionId);
  if (!managesSession(actor, session)) throw notStaff();
  const [seats, tickets] = await Promise.all([
    SeatClaim.find({ session: session._id }).sort({ order: 1, seat: 1 }).lean(),
    WaitClaim.find({ session: session._id }).sort({ n: 1 }).lean(),
  ]);
  const seated = new Set(seats.map((seat) => String(seat.user)));
  // A person with a seat and a leftover ticket (two requests at once) is listed once, enrolled.
  const waiting = tickets.filter((ticket) => !seated.has(String(ticket.user)));
  const ids = [...seats.map((seat) => seat.user), ...waiting.map((ticket) => ticket.user)];
  const byId = await accountsByIds(ids);
  // Partner organisations by their current name, from the reference data in memory.
  const organisationNames = new Map<string, string>();
  for (const user of byId.values()) {
    const partner = user.organisationId ? await findOrganisation(user.organisationId) : null;
    if (partner) organisationNames.set(partner._id, partner.name);
  }
  const describe = (userId: Id, status: 'enrolled' | 'waitlisted', position?: number): EnrolmentListItem => {
    const user = byId.get(String(userId));
    return {
      userId: String(userId),
      name: user?.name ?? '',
      email: user?.email ?? '',
      organisation: (user?.organisationId ? organisationNames.get(user.organisationId) : undefined) ?? user?.organisationName ?? null,
      sector: user?.sector ?? null,
      status,
      ...(position !== undefined ? { position } : {}),
    };
  };
  return [...seats.map((seat) => describe(seat.user, 'enrolled')), ...waiting.map((ticket, index) => describe(ticket.user, 'waitlisted', index + 1))];
}

export interface MyEnrolment {
  sessionId: string;
  status: 'enrolled' | 'waitlisted';
  position?: number;
  session: {
    title: string;
    city: string;
    country: string;
    status: TrainingSessionDocument['status'];
    firstStartsAt: Date;
    lastEndsAt: Date;
  };
}

/** A person's enrolments and places on waiting lists, soonest session first. */
export async function myEnrolments(userId: string): Promise<MyEnrolment[]> {
  if (!OBJECT_ID.test(userId)) return [];
  const user = new mongoose.Types.ObjectId(userId);
  const enrolments = await Enrolment.find({ user, status: mongoose.trusted({ $in: ['enrolled', 'waitlisted'] }) }).lean();
  if (enrolments.length === 0) return [];
  // From the sessions kept in memory: {_id: {$in}} scanned them all on FerretDB.
  const byId = new Map((await allSessions()).map((session) => [String(session._id), session]));
  const items: MyEnrolment[] = [];
  for (const enrolment of enrolments) {
    const session = byId.get(String(enrolment.session));
    if (!session) continue;
    const status = enrolment.status as 'enrolled' | 'waitlisted';
    const position = status === 'waitlisted' && enrolment.waitTicket !== undefined ? await positionOf(enrolment.session, enrolment.waitTicket) : undefined;
    items.push({
      sessionId: String(session._id),
      status,
      ...(position !== undefined ? { position } : {}),
      session: { title: session.title, city: session.city, country: session.country, status: session.status, firstStartsAt: session.firstStartsAt, lastEndsAt: session.lastEndsAt },
    });
  }
  return items.sort((a, b) => a.session.firstStartsAt.getTime() - b.session.firstStartsAt.getTime());
}
