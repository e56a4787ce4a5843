/** A session as the API and the pages show it (api.md, "Training sessions"). */
import mongoose from 'mongoose';
import { User } from '../accounts/model';
import type { Language } from '../i18n/languages';
import { City } from '../reference/model';
import { Course } from '../courses/model';
import type { TrainingSessionDocument } from './model';

export interface SessionNames {
  cities: Map<string, string>;
  trainers: Map<string, string>;
  courses: Map<string, string>;
}

/** The names a list of sessions refers to, fetched once for the whole list, in `lang`. */
export async function namesFor(sessions: TrainingSessionDocument[], lang: Language): Promise<SessionNames> {
  const cityIds = [...new Set(sessions.map((session) => session.city))];
  const trainerIds = [...new Set(sessions.flatMap((session) => session.trainers.map(String)))];
  const [cities, trainers, courses] = await Promise.all([
    City.find({ _id: mongoose.trusted({ $in: cityIds }) }).lean(),
    User.find({ _id: mongoose.trusted({ $in: trainerIds }) }).select({ name: 1 }).lean(),
    Course.find().select({ title: 1 }).lean(),
  ]);
  return {
    cities: new Map(cities.map((city) => [city._id, city.names?.[lang] ?? city.name])),
    trainers: new Map(trainers.map((trainer) => [String(trainer._id), trainer.name])),
    courses: new Map(courses.map((course) => [course._id, course.title[lang] ?? course.title.en ?? course._id])),
  };
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
