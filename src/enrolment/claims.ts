/**
 * Seats and places on the waiting list, claimed by inserting documents under unique indexes:
 * the only writes FerretDB 1.24 keeps atomic under concurrency (see model.ts). Nothing here
 * checks who may do what; service.ts does.
 *
 * The rules that keep capacity and "only once" whatever the interleaving:
 * - a seat is taken by inserting `<session>:<seat>` with seat ≤ capacity; (session, user) is
 *   unique, so a person holds at most one seat and no promotion happens twice;
 * - whoever holds a seat may lose a redundant waiting ticket, never the other way round;
 * - a promoter first claims a seat for the waiter, then deletes their ticket; when the ticket
 *   is already gone (the waiter cancelled meanwhile) it gives the seat back. A cancellation
 *   deletes the ticket first and the seat second, so every order of the two ends with the
 *   waiter either promoted with their ticket consumed, or cancelled without a seat.
 */
import { isDuplicateKey } from '../db/duplicate-key';
import mongoose from 'mongoose';
import { TrainingSession } from '../sessions/model';
import { type EnrolmentStatus, SeatClaim, seatClaimId, WaitClaim, waitClaimId } from './model';

type Id = mongoose.Types.ObjectId;


export type SeatClaimResult = { result: 'claimed'; id: string; seat: number } | { result: 'full' } | { result: 'holds-seat' };

/**
 * Claims a free seat of `session` for `user`: the free seats of a snapshot in ascending order,
 * the next on a duplicate key, then once more from a fresh snapshot. 'full' when none is left.
 */
let lastMicroseconds = 0;
/** The clock in microseconds, never the same twice in this process. */
export function microseconds(): number {
  lastMicroseconds = Math.max(Date.now() * 1000, lastMicroseconds + 1);
  return lastMicroseconds;
}

export async function claimSeat(session: Id, user: Id, capacity: number, now: Date): Promise<SeatClaimResult> {
  for (let pass = 0; pass < 2; pass += 1) {
    const held = await SeatClaim.find({ session }).select({ seat: 1, user: 1 }).lean();
    if (held.some((claim) => claim.user.equals(user))) return { result: 'holds-seat' };
    const taken = new Set(held.map((claim) => claim.seat));
    const free: number[] = [];
    for (let seat = 1; seat <= capacity; seat += 1) if (!taken.has(seat)) free.push(seat);
    if (free.length === 0) return { result: 'full' };
    // In random order: people arriving together rarely reach for the same seat, so few inserts collide.
    for (let index = free.length - 1; index > 0; index -= 1) {
      const other = Math.floor(Math.random() * (index + 1));
      [free[index], free[other]] = [free[other]!, free[index]!];
    }
    for (const seat of free) {
      const id = seatClaimId(session, seat);
      try {
        await SeatClaim.create({ _id: id, session, user, seat, claimedAt: now, order: microseconds() });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Either the seat went to someone else (try the next) or this person got one meanwhile.
        if (await SeatClaim.exists({ session, user })) return { result: 'holds-seat' };
        continue;
      }
      // Only possible after the capacity was lowered below a seat number still held: give it back.
      if ((await SeatClaim.countDocuments({ session })) > capacity) {
        await SeatClaim.deleteOne({ _id: id, user });
        return { result: 'full' };
      }
      return { result: 'claimed', id, seat };
    }
  }
  return { result: 'full' };
}

export type TicketResult = { result: 'claimed'; id: string; n: number } | { result: 'holds-ticket' };

/**
 * A place at the end of the waiting list: the number after the highest ticket. When that number
 * is taken meanwhile (people arriving together), the ticket becomes the arrival time in
 * microseconds with random low digits, still above the highest: later arrivals queue behind,
 * and a crowd almost never reaches for the same number (counting up one by one made hundreds
 * of simultaneous requests collide on each number in turn). The position told at enrolment is
 * the rank at that moment; in a crowd, a slightly earlier arrival may still take its place ahead.
 */
export async function claimTicket(session: Id, user: Id, now: Date): Promise<TicketResult> {
  let last = (await WaitClaim.findOne({ session }).sort({ n: -1 }).select({ n: 1 }).lean())?.n ?? 0;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    // Alone, the next number; in a crowd (a collision), the clock with random low digits, still after the last.
    const n = attempt === 0 ? last + 1 : Math.max(Date.now() * 1000, last + 1) + Math.floor(Math.random() * 1000);
    const id = waitClaimId(session, n);
    try {
      await WaitClaim.create({ _id: id, session, user, n, claimedAt: now });
      return { result: 'claimed', id, n };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      if (await WaitClaim.exists({ session, user })) return { result: 'holds-ticket' };
      if (attempt % 5 === 4) last = (await WaitClaim.findOne({ session }).sort({ n: -1 }).select({ n: 1 }).lean())?.n ?? last;
    }
  }
  throw new Error('could not take a place on the waiting list');
}

export interface ClaimState {
  status: EnrolmentStatus;
  seat?: number;
  waitTicket?: number;
  /** Rank among the people waiting now, from 1. */
  position?: number;
}

/** Where a person stands, from the claims: a seat wins over a (redundant) ticket. */
export async function claimState(session: Id, user: Id): Promise<ClaimState> {
  const [seat, ticket] = await Promise.all([SeatClaim.findOne({ session, user }).lean(), WaitClaim.findOne({ session, user }).lean()]);
  if (seat) return { status: 'enrolled', seat: seat.seat };
  if (ticket) return { status: 'waitlisted', waitTicket: ticket.n, position: await positionOf(session, ticket.n) };
  return { status: 'cancelled' };
}

export async function positionOf(session: Id, ticket: number): Promise<number> {
  return WaitClaim.countDocuments({ session, n: mongoose.trusted({ $lte: ticket }) });
}

/** Gives up a person's places: the ticket first, then the seat (see the header). True when they held a seat. */
export async function releaseClaims(session: Id, user: Id): Promise<boolean> {
  await WaitClaim.deleteMany({ session, user });
  const { deletedCount } = await SeatClaim.deleteMany({ session, user });
  return deletedCount > 0;
}

export interface Promotion {
  user: Id;
  seat: number;
}

/**
 * While the session is open and has free seats, gives them to the people waiting, in the
 * order of their tickets. Several promoters may run at once (two cancellations): each person
 * is promoted by exactly one of them, and each promotion is reported once, by that one.
 */
export async function promoteWaiting(sessionId: Id, now: Date): Promise<Promotion[]> {
  const promoted: Promotion[] = [];
  for (let pass = 0; pass < 5; pass += 1) {
    const session = await TrainingSession.findById(sessionId).select({ capacity: 1, status: 1 }).lean();
    if (!session || session.status !== 'open') break;
    const free = session.capacity - (await SeatClaim.countDocuments({ session: sessionId }));
    if (free <= 0) break;
    const waiting = await WaitClaim.find({ session: sessionId }).sort({ n: 1 }).limit(free + 20).lean();
    if (waiting.length === 0) break;
    let progressed = false;
    let full = false;
    for (const ticket of waiting) {
      const claim = await claimSeat(sessionId, ticket.user, session.capacity, now);
      if (claim.result === 'full') {
        full = true;
        break;
      }
      // Another promoter is seating this person: the next in line may get the next free seat.
      if (claim.result === 'holds-seat') continue;
      const { deletedCount } = await WaitClaim.deleteOne({ _id: ticket._id });
      if (deletedCount !== 1) {
        await SeatClaim.deleteOne({ _id: claim.id, user: ticket.user });
        continue;
      }
      promoted.push({ user: ticket.user, seat: claim.seat });
      progressed = true;
    }
    if (full || !progressed) break;
  }
  return promoted;
}

export interface SeatCounts {
  /** Seats held now. */
  taken: number;
  waiting: number;
  /** The highest seat number held (0 when none): capacity must not go below it either. */
  highestSeat: number;
}

export async function seatCounts(sessionId: Id | string): Promise<SeatCounts> {
  const session = new mongoose.Types.ObjectId(String(sessionId));
  const [taken, waiting, highest] = await Promise.all([
    SeatClaim.countDocuments({ session }),
    WaitClaim.countDocuments({ session }),
    SeatClaim.findOne({ session }).sort({ seat: -1 }).select({ seat: 1 }).lean(),
  ]);
  return { taken, waiting, highestSeat: highest?.seat ?? 0 };
}

/** Seats and tickets held now: what the counters show (without the highest seat, one query fewer). */
async function countClaims(sessionId: Id): Promise<Pick<SeatCounts, 'taken' | 'waiting'>> {
  const [taken, waiting] = await Promise.all([SeatClaim.countDocuments({ session: sessionId }), WaitClaim.countDocuments({ session: sessionId })]);
  return { taken, waiting };
}

/**
 * Writes the display counters from the claims. Count, write, count again, and write again
 * while they differ: the last write of all then follows every claim change before it.
 * `known`: counts just read from the claims (queue.ts), which spare the first count.
 */
export async function recountSession(sessionId: Id, known?: Pick<SeatCounts, 'taken' | 'waiting'>): Promise<Pick<SeatCounts, 'taken' | 'waiting'>> {
  let counts = known ?? (await countClaims(sessionId));
  for (let round = 0; round < 5; round += 1) {
    await TrainingSession.updateOne({ _id: sessionId }, { $set: { seatsTaken: counts.taken, waitlisted: counts.waiting } });
    const again = await countClaims(sessionId);
    if (again.taken === counts.taken && again.waiting === counts.waiting) return again;
    counts = again;
  }
  return counts;
}
