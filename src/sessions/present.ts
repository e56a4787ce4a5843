/** A session as the API and the pages show it (api.md, "Training sessions"). */
import mongoose from 'mongoose';
import { accountsByIds } from '../accounts/by-ids';
import type { Language } from '../i18n/languages';
import { courseTitles } from '../courses/published';
import { cityNames } from '../reference/service';
import { TrainingSession, type TrainingSessionDocument } from './model';

export interface SessionNames {
  cities: Map<string, string>;
  trainers: Map<string, string>;
  courses: Map<string, string>;
}

/**
 * The names a list of sessions refers to, in `lang`: cities and modules from memory, trainers
 * from the names kept on each session. A trainer whose name is not kept there (a session
 * stored before names were kept) comes from the accounts kept in memory (accounts/by-ids.ts).
 */
export async function namesFor(sessions: Array<Pick<TrainingSessionDocument, 'trainers' | 'trainerNames'>>, lang: Language): Promise<SessionNames> {
  const trainers = new Map<string, string>();
  const missing = new Set<string>();
  for (const session of sessions) {
    for (const id of session.trainers.map(String)) {
      const kept = session.trainerNames?.[id];
      if (kept) trainers.set(id, kept);
      else missing.add(id);
    }
  }
  const [cities, courses, found] = await Promise.all([
    cityNames(lang),
    courseTitles(lang),
    accountsByIds([...missing].filter((id) => !trainers.has(id))),
  ]);
  for (const [id, trainer] of found) trainers.set(id, trainer.name);
  return { cities, trainers, courses };
}

/** Keeps a trainer's new name on the sessions they teach. */
export async function renameTrainer(userId: string, name: string): Promise<void> {
  await TrainingSession.updateMany({ trainers: new mongoose.Types.ObjectId(userId) }, { $set: { [`trainerNames.${userId}`]: name } });
}

export function serialiseSession(session: TrainingSessionDocument, names: SessionNames) {
  return {
    id: String(session._id),
    title: session.title,
    courses: session.courses.map((course) => ({ slug: course.slug, version: course.version, title: names.courses.get(course.slug) ?? course.slug })),
    language: session.language,
    city: session.city,
    cityName: names.cities.get(session.city) ?? session.city,
    country: session.country,
    venue: { name: session.venue.name, address: session.venue.address },
    timezone: session.timezone,
    days: session.days.map((day) => ({ date: day.date, start: day.start, end: day.end, startsAt: day.startsAt.toISOString(), endsAt: day.endsAt.toISOString() })),
    capacity: session.capacity,
    enrolmentDeadline: session.enrolmentDeadlineDate,
    enrolmentClosesAt: session.enrolmentDeadline.toISOString(),
    trainers: session.trainers.map((id) => ({ id: String(id), name: names.trainers.get(String(id)) ?? '' })),
    status: session.status,
    seatsTaken: session.seatsTaken,
    waitlisted: session.waitlisted,
    seatsLeft: Math.max(0, session.capacity - session.seatsTaken),
  };
}

export type SessionView = ReturnType<typeof serialiseSession>;
