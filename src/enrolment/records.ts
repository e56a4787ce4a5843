/**
 * The `Enrolment` record (status, seat, ticket, history), written from the claims after each
 * change and checked again, so it follows them (see service.ts).
 */
import type mongoose from 'mongoose';
import { isDuplicateKey } from '../db/duplicate-key';
import { type ClaimState, claimState, promoteWaiting } from './claims';
import { enrolmentEvents } from './events';
import { Enrolment, type EnrolmentDocument } from './model';

type Id = mongoose.Types.ObjectId;

export const sameState = (enrolment: Pick<EnrolmentDocument, 'status' | 'seat' | 'waitTicket'>, state: ClaimState) =>
  enrolment.status === state.status && (enrolment.seat ?? undefined) === state.seat && (enrolment.waitTicket ?? undefined) === state.waitTicket;

/** A new record for someone enrolling for the first time in this session. */
export function newEnrolment(session: Id, user: Id, state: ClaimState, by: Id, now: Date) {
  return {
    session,
    user,
    status: state.status,
    ...(state.seat !== undefined ? { seat: state.seat } : {}),
    ...(state.waitTicket !== undefined ? { waitTicket: state.waitTicket } : {}),
    enrolledBy: by,
    history: [{ at: now, by, from: null, to: state.status }],
  };
}

/** One write of the record to match `state`, with a line of history when the status changes. */
export async function writeEnrolment(session: Id, user: Id, state: ClaimState, by: Id, now: Date, enrolling: boolean): Promise<EnrolmentDocument> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const existing = await Enrolment.findOne({ session, user }).lean();
    if (existing && sameState(existing, state)) return existing;
    const change = { at: now, by, from: existing?.status ?? null, to: state.status };
    if (!existing) {
      try {
        const created = await Enrolment.create(newEnrolment(session, user, state, by, now));
        return created.toObject();
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        continue;
      }
    }
    const set: Record<string, unknown> = { status: state.status };
    const unset: Record<string, ''> = {};
    if (state.seat !== undefined) set.seat = state.seat;
    else unset.seat = '';
    if (state.waitTicket !== undefined) set.waitTicket = state.waitTicket;
    else unset.waitTicket = '';
    if (enrolling && existing.status === 'cancelled' && state.status !== 'cancelled') set.enrolledBy = by;
    await Enrolment.updateOne(
      { _id: existing._id },
      { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}), ...(existing.status !== state.status ? { $push: { history: change } } : {}) },
    );
    return (await Enrolment.findById(existing._id).lean())!;
  }
  throw new Error('could not write the enrolment');
}

/**
 * Brings the record in line with the claims: write, read the claims again, and write again
 * while they moved meanwhile (two writers racing then end on the true state).
 */
export async function syncEnrolment(session: Id, user: Id, by: Id, now: Date, enrolling = false): Promise<{ enrolment: EnrolmentDocument; state: ClaimState }> {
  let state = await claimState(session, user);
  let enrolment = await writeEnrolment(session, user, state, by, now, enrolling);
  for (let round = 0; round < 5; round += 1) {
    const again = await claimState(session, user);
    if (sameState(enrolment, again)) return { enrolment, state: again };
    state = again;
    enrolment = await writeEnrolment(session, user, state, by, now, enrolling);
  }
  return { enrolment, state };
}

/** Promotes the people waiting into free seats and records it; their ids, in order. `quiet`: told otherwise (those enrolling). */
export async function promote(sessionId: Id, by: Id, now: Date, quiet: Id[] = []): Promise<string[]> {
  const promoted = await promoteWaiting(sessionId, now);
  for (const { user } of promoted) await syncEnrolment(sessionId, user, by, now);
  for (const { user } of promoted) {
    if (!quiet.some((one) => one.equals(user))) enrolmentEvents.emit('promoted', { sessionId: String(sessionId), userId: String(user) });
  }
  return promoted.map(({ user }) => String(user));
}
