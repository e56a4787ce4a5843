/**
 * Every training session, kept in memory (cache/shared-cache.ts) for the lists: the public
 * list and calendar, the trainer's desk, the dashboard. A programme schedules a few hundred
 * sessions a year, so all of them fit easily; on FerretDB each list read from the database
 * scanned and decoded the whole collection, twice with its count. Any write to a session
 * (scheduling, editing, a seat taken: its counters) drops the copy, so the next list reads it
 * afresh; one session's own page reads it by id, from the database.
 */
import { sharedCache } from '../cache/shared-cache';
import { TrainingSession, type TrainingSessionDocument } from './model';

const sessions = sharedCache('sessions', () => TrainingSession.find().sort({ firstStartsAt: 1, _id: 1 }).lean<TrainingSessionDocument[]>());

/** Every session, in date order (then by id). Frozen: shared by every request. */
export async function allSessions(): Promise<readonly TrainingSessionDocument[]> {
  return sessions.get();
}
