/**
 * Enrolments of one session, one batch at a time per process (issue 13, point 4).
 *
 * Hundreds of people enrolling at once in one session used to race each other for the same
 * seat and the same ticket number: every collision cost more reads, each read decoded the
 * claims anew (FerretDB 1.24 reads only `_id` through an index), and 200 enrolments took 35 s.
 * Here the requests of this process for a session wait in a queue; whoever is waiting when the
 * previous batch ends goes in the next one, which reads the claims once, inserts the seats,
 * the tickets (in arrival order) and the records in one command each, and recounts once.
 *
 * The queue only spares this process its own collisions: correctness across instances still
 * rests on the claims' unique indexes (claims.ts). Whoever's claim collides (another instance
 * took the seat or the ticket number, the person already has one) goes through the
 * one-by-one path, `enrolAlone`, which was the whole algorithm before. Cancellations and
 * promotions of the session take their turn in the same queue.
 */
import mongoose from 'mongoose';
import type { UserDocument } from '../accounts/model';
import { isDuplicateKey } from '../db/duplicate-key';
import { TrainingSession } from '../sessions/model';
import { type ClaimState, claimSeat, claimState, claimTicket, microseconds, recountSession } from './claims';
import { EnrolmentConflictError, EnrolmentNotFoundError } from './errors';
import { enrolmentEvents } from './events';
import { Enrolment, type EnrolmentDocument, SeatClaim, seatClaimId, WaitClaim, waitClaimId } from './model';
import { newEnrolment, promote, sameState, syncEnrolment, writeEnrolment } from './records';

type Id = mongoose.Types.ObjectId;

export type Person = Pick<UserDocument, '_id' | 'name' | 'email'>;

export interface EnrolResult {
  enrolment: EnrolmentDocument;
  status: 'enrolled' | 'waitlisted';
  /** On the waiting list: the rank among the people waiting now, from 1. */
  position?: number;
}

interface Pending {
  session: Id;
  person: Person;
  by: Id;
  now: Date;
  /** What the checks read of the session (a projection); the batch reads their union once. */
  fields: Record<string, 1>;
  /** Throws when this request may not enrol after all (session gone, closed, deadline passed). */
  check: (session: unknown) => void;
  resolve: (result: EnrolResult) => void;
  reject: (error: unknown) => void;
}

type Job = { enrol: Pending } | { run: () => Promise<void> };

/** A batch never grows beyond this, so that the first in it are not kept waiting for the last. */
const MAX_BATCH = 200;

const queues = new Map<string, Job[]>();

function schedule(session: Id, job: Job): void {
  const key = String(session);
  const queue = queues.get(key);
  if (queue) {
    queue.push(job);
    return;
  }
  const fresh = [job];
  queues.set(key, fresh);
  void drain(key, fresh);
}

async function drain(key: string, queue: Job[]): Promise<void> {
  try {
    while (queue.length > 0) {
      const head = queue[0]!;
      if ('run' in head) {
        queue.shift();
        await head.run();
        continue;
      }
      // The enrolments waiting next to each other, each person once (a second request of the same person waits for the next batch, which tells them they are in).
      const batch: Pending[] = [];
      const people = new Set<string>();
      for (let next = queue[0]; next && 'enrol' in next && batch.length < MAX_BATCH && !people.has(String(next.enrol.person._id)); next = queue[0]) {
        queue.shift();
        batch.push(next.enrol);
        people.add(String(next.enrol.person._id));
      }
      await enrolTogether(batch);
    }
  } finally {
    queues.delete(key);
  }
}

/** Runs `work` when the session's enrolments queued before it are done, and before those queued after it. */
export function inTurn<T>(session: Id, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    schedule(session, { run: () => work().then(resolve, reject) });
  });
}

/**
 * Enrols `person` in their turn (see the header), once `check` passes on the session as the
 * batch reads it (`fields` of it, or null when there is none): the checks of service.ts
 * without a read of the session per request.
 */
export function queueEnrolment<S extends { capacity: number }>(session: Id, person: Person, by: Id, now: Date, fields: Record<string, 1>, check: (session: S | null) => void): Promise<EnrolResult> {
  return new Promise<EnrolResult>((resolve, reject) => {
    schedule(session, { enrol: { session, person, by, now, fields, check: check as (session: unknown) => void, resolve, reject } });
  });
}

const stateOf = (user: Id, seats: Array<{ user: Id; seat: number }>, tickets: Array<{ user: Id; n: number }>): ClaimState => {
  const seat = seats.find((claim) => claim.user.equals(user));
  if (seat) return { status: 'enrolled', seat: seat.seat };
  const ticket = tickets.find((claim) => claim.user.equals(user));
  if (ticket) return { status: 'waitlisted', waitTicket: ticket.n, position: tickets.filter((claim) => claim.n <= ticket.n).length };
  return { status: 'cancelled' };
};

/** Inserts documents in one command; the indexes of those refused by a unique index. */
async function insertAll(collection: mongoose.Collection, docs: Array<Record<string, unknown>>): Promise<Set<number>> {
  if (docs.length === 0) return new Set();
  try {
    await collection.insertMany(docs, { ordered: false });
    return new Set();
  } catch (error) {
    const writeErrors = (error as { writeErrors?: Array<{ index: number; code?: number }> }).writeErrors;
    if (!writeErrors || writeErrors.length === 0 || !writeErrors.every(isDuplicateKey)) throw error;
    return new Set(writeErrors.map((writeError) => writeError.index));
  }
}

function shuffled(values: number[]): number[] {
  // In random order: instances seating people at the same moment rarely reach for the same seat.
  for (let index = values.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [values[index], values[other]] = [values[other]!, values[index]!];
  }
  return values;
}

/** One batch; settles every request in it, whatever happens. */
async function enrolTogether(batch: Pending[]): Promise<void> {
  const settled = new Set<Pending>();
  const resolve = (item: Pending, result: EnrolResult) => {
    settled.add(item);
    item.resolve(result);
  };
  const reject = (item: Pending, error: unknown) => {
    settled.add(item);
    item.reject(error);
  };
  try {
    const session = batch[0]!.session;
    const fields = Object.assign({ capacity: 1 }, ...batch.map((item) => item.fields)) as Record<string, 1>;
    const [facts, held, last] = await Promise.all([
      TrainingSession.findById(session).select(fields).lean<{ capacity: number }>(),
      SeatClaim.find({ session }).select({ seat: 1, user: 1 }).lean(),
      WaitClaim.findOne({ session }).sort({ n: -1 }).select({ n: 1 }).lean(),
    ]);
    const capacity = facts?.capacity ?? 0;
    const allowed = batch.filter((item) => {
      try {
        item.check(facts);
        return true;
      } catch (error) {
        reject(item, error);
        return false;
      }
    });
    // Nothing to write (every request refused): no recount either, whose rewrite of the session could undo a change made meanwhile (FerretDB updates are not atomic).
    if (allowed.length === 0) return;
    const holders = new Set(held.map((claim) => String(claim.user)));
    const alone: Pending[] = allowed.filter((item) => holders.has(String(item.person._id)));
    const fresh = allowed.filter((item) => !holders.has(String(item.person._id)));
    const taken = new Set(held.map((claim) => claim.seat));
    const free: number[] = [];
    for (let seat = 1; seat <= capacity; seat += 1) if (!taken.has(seat)) free.push(seat);
    // Nobody jumps the queue: while people wait, newcomers wait behind them.
    const seats = last ? [] : shuffled(free).slice(0, Math.max(0, capacity - held.length));
    const seating = fresh.slice(0, seats.length);
    const queueing = fresh.slice(seating.length);

    const seatDocs = seating.map((item, index) => ({ _id: seatClaimId(session, seats[index]!), session, user: item.person._id, seat: seats[index]!, claimedAt: item.now, order: microseconds() }));
    let n = last?.n ?? 0;
    const ticketDocs = queueing.map((item) => {
      n += 1;
      return { _id: waitClaimId(session, n), session, user: item.person._id, n, claimedAt: item.now };
    });
    const [seatRefused, ticketRefused] = await Promise.all([insertAll(SeatClaim.collection, seatDocs), insertAll(WaitClaim.collection, ticketDocs)]);
    const claimed: Array<{ item: Pending; state: ClaimState }> = [];
    seating.forEach((item, index) => (seatRefused.has(index) ? alone.push(item) : claimed.push({ item, state: { status: 'enrolled', seat: seats[index]! } })));
    queueing.forEach((item, index) => (ticketRefused.has(index) ? alone.push(item) : claimed.push({ item, state: { status: 'waitlisted', waitTicket: ticketDocs[index]!.n } })));

    // The records: new ones in one command; someone enrolled before (cancelled since) has one to update.
    const stamp = new Date();
    const records = claimed.map(({ item, state }) => ({ _id: new mongoose.Types.ObjectId(), ...newEnrolment(session, item.person._id, state, item.by, item.now), createdAt: stamp, updatedAt: stamp }));
    const recordRefused = await insertAll(Enrolment.collection, records);
    const written = new Map<Pending, EnrolmentDocument>();
    await Promise.all(
      claimed.map(async ({ item, state }, index) => {
        written.set(item, recordRefused.has(index) ? await writeEnrolment(session, item.person._id, state, item.by, item.now, true) : (records[index] as EnrolmentDocument));
      }),
    );

    if (claimed.length === 0) {
      await settleAlone(alone, resolve, reject);
      return;
    }
    // Read the claims again: the answers and the records follow them, as in syncEnrolment.
    const readClaims = () => Promise.all([SeatClaim.find({ session }).select({ seat: 1, user: 1 }).lean(), WaitClaim.find({ session }).select({ n: 1, user: 1 }).lean()]);
    let [seatsNow, ticketsNow] = await readClaims();
    // Seats free while people wait (a raised capacity, a race with a cancellation): fill them now.
    if (ticketsNow.length > 0 && seatsNow.length < capacity) {
      await promote(session, queueing[0]?.by ?? batch[0]!.by, batch[0]!.now, claimed.map(({ item }) => item.person._id));
      [seatsNow, ticketsNow] = await readClaims();
    }
    // Over capacity: only after the capacity was lowered while another instance seated someone; give ours back and queue them one by one.
    const overCapacity = seatsNow.length > capacity;
    await recountSession(session, overCapacity ? undefined : { taken: seatsNow.length, waiting: ticketsNow.length });
    for (const { item, state } of claimed) {
      if (overCapacity && state.status === 'enrolled') {
        await SeatClaim.deleteOne({ _id: seatClaimId(session, state.seat!), user: item.person._id });
        alone.push(item);
        continue;
      }
      let current = stateOf(item.person._id, seatsNow, ticketsNow);
      let enrolment = written.get(item)!;
      if (!sameState(enrolment, current)) ({ enrolment, state: current } = await syncEnrolment(session, item.person._id, item.by, item.now, true));
      if (current.status === 'cancelled') {
        reject(item, new EnrolmentNotFoundError('not-enrolled', 'the enrolment was cancelled meanwhile'));
        continue;
      }
      const told = { status: current.status, ...(current.position !== undefined ? { position: current.position } : {}) };
      enrolmentEvents.emit('enrolled', { sessionId: String(session), userId: String(item.person._id), ...told });
      resolve(item, { enrolment, ...told });
    }
    if (overCapacity) await recountSession(session);

    await settleAlone(alone, resolve, reject);
  } catch (error) {
    for (const item of batch) if (!settled.has(item)) reject(item, error);
  }
}

async function settleAlone(alone: Pending[], resolve: (item: Pending, result: EnrolResult) => void, reject: (item: Pending, error: unknown) => void): Promise<void> {
  for (const item of alone) {
    try {
      resolve(item, await enrolAlone(item.session, item.person, item.by, item.now));
    } catch (error) {
      reject(item, error);
    }
  }
}

/**
 * One person, claim by claim, retrying on collisions: for whoever's batch claim collided.
 * 409 `already-enrolled`, `already-waitlisted`; 404 `not-enrolled` when cancelled meanwhile.
 */
export async function enrolAlone(session: Id, person: Person, by: Id, now: Date): Promise<EnrolResult> {
  const user = person._id;
  const before = await claimState(session, user);
  if (before.status === 'enrolled') throw new EnrolmentConflictError('already-enrolled', 'already enrolled', { name: person.name });
  if (before.status === 'waitlisted') throw new EnrolmentConflictError('already-waitlisted', 'already on the waiting list', { name: person.name, position: before.position! });

  let seated = false;
  if (!(await WaitClaim.exists({ session }))) {
    const facts = await TrainingSession.findById(session).select({ capacity: 1 }).lean();
    const claim = await claimSeat(session, user, facts?.capacity ?? 0, now);
    if (claim.result === 'holds-seat') throw new EnrolmentConflictError('already-enrolled', 'already enrolled', { name: person.name });
    if (claim.result === 'claimed') {
      seated = true;
      // A ticket taken by a simultaneous request of the same person (another instance) is now redundant.
      await WaitClaim.deleteMany({ session, user });
    }
  }
  if (!seated) {
    const ticket = await claimTicket(session, user, now);
    if (ticket.result === 'holds-ticket') {
      const position = (await claimState(session, user)).position ?? 1;
      throw new EnrolmentConflictError('already-waitlisted', 'already on the waiting list', { name: person.name, position });
    }
    if (await SeatClaim.exists({ session, user })) {
      await WaitClaim.deleteOne({ _id: ticket.id });
      throw new EnrolmentConflictError('already-enrolled', 'already enrolled', { name: person.name });
    }
  }

  await syncEnrolment(session, user, by, now, true);
  if (!seated) await promote(session, by, now, [user]);
  await recountSession(session);
  const { enrolment, state } = await syncEnrolment(session, user, by, now, true);
  if (state.status === 'cancelled') throw new EnrolmentNotFoundError('not-enrolled', 'the enrolment was cancelled meanwhile');
  const told = { status: state.status, ...(state.position !== undefined ? { position: state.position } : {}) };
  enrolmentEvents.emit('enrolled', { sessionId: String(session), userId: String(user), ...told });
  return { enrolment, ...told };
}
