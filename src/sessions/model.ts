/**
 * Training sessions (issue 5): one or more course modules taught in a city on 1 to 5 days.
 * Days are kept both as wall-clock times in the session's zone (what people read) and as UTC
 * instants (what overlap checks, calendars and deadlines compare).
 *
 * Only the Mongo subset of database.md: counters are plain numbers maintained with `$inc`,
 * the venue name has a case-folded copy instead of a collation.
 */
import { invalidatesCache } from '../cache/shared-cache';
import mongoose, { Schema } from 'mongoose';
import { SUPPORTED_LANGUAGES, type Language } from '../i18n/languages';

export const SESSION_STATUSES = ['open', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface SessionCourse {
  slug: string;
  /** The version pinned (the latest published at creation; coordinators may change it). */
  version: string;
}

export interface SessionDay {
  /** The local date, 'YYYY-MM-DD'. */
  date: string;
  /** Local wall-clock times, 'HH:mm'. */
  start: string;
  end: string;
  startsAt: Date;
  endsAt: Date;
}

export interface SessionVenue {
  name: string;
  address: string;
  /** The name trimmed, with single spaces, lower-cased: to find the same venue (no collation on FerretDB). */
  nameKey: string;
}

export interface TrainingSessionDocument {
  _id: mongoose.Types.ObjectId;
  title: string;
  courses: SessionCourse[];
  language: Language;
  /** A city id of the reference data, and its country (copied, for listing by country). */
  city: string;
  country: string;
  venue: SessionVenue;
  /** IANA zone name, e.g. Europe/Lisbon. */
  timezone: string;
  days: SessionDay[];
  capacity: number;
  /** The local deadline date, and the instant enrolment closes: the end of that day in the session's zone. */
  enrolmentDeadlineDate: string;
  enrolmentDeadline: Date;
  /** Trainer user ids; the creator first when they teach it. */
  trainers: mongoose.Types.ObjectId[];
  /**
   * Their names by id, kept on write (scheduling, editing, a trainer renaming themself): lists
   * show them without reading the accounts, which on FerretDB means scanning every account.
   * Sessions stored before it, or a name missing, are looked up (present.ts).
   */
  trainerNames?: Record<string, string>;
  status: SessionStatus;
  seatsTaken: number;
  waitlisted: number;
  /** iCalendar SEQUENCE: bumped by every change attendees' calendars must pick up. */
  sequence: number;
  /** The start of day 1 and the end of the last day, for range queries. */
  firstStartsAt: Date;
  lastEndsAt: Date;
  createdBy: mongoose.Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const daySchema = new Schema<SessionDay>(
  {
    date: { type: String, required: true, match: DATE },
    start: { type: String, required: true, match: TIME },
    end: { type: String, required: true, match: TIME },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
  },
  { _id: false },
);

const trainingSessionSchema = new Schema<TrainingSessionDocument>(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    courses: {
      type: [new Schema<SessionCourse>({ slug: { type: String, required: true }, version: { type: String, required: true } }, { _id: false })],
      required: true,
    },
    language: { type: String, enum: SUPPORTED_LANGUAGES, required: true },
    city: { type: String, required: true },
    country: { type: String, required: true },
    venue: {
      type: new Schema<SessionVenue>(
        {
          name: { type: String, required: true, trim: true, maxlength: 200 },
          address: { type: String, required: true, trim: true, maxlength: 500 },
          nameKey: { type: String, required: true },
        },
        { _id: false },
      ),
      required: true,
    },
    timezone: { type: String, required: true },
    days: { type: [daySchema], required: true },
    capacity: { type: Number, required: true, min: 1, max: 500 },
    enrolmentDeadlineDate: { type: String, required: true, match: DATE },
    enrolmentDeadline: { type: Date, required: true },
    trainers: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: [] },
    trainerNames: { type: Schema.Types.Mixed },
    status: { type: String, enum: SESSION_STATUSES, default: 'open' },
    seatsTaken: { type: Number, default: 0 },
    waitlisted: { type: Number, default: 0 },
    sequence: { type: Number, default: 0 },
    firstStartsAt: { type: Date, required: true },
    lastEndsAt: { type: Date, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { timestamps: true, versionKey: false },
);
// Listing by date; a trainer's sessions (double booking, "my sessions"); a city's (venue overlaps, filters).
trainingSessionSchema.index({ firstStartsAt: 1 });
trainingSessionSchema.index({ trainers: 1, firstStartsAt: 1 });
trainingSessionSchema.index({ city: 1, firstStartsAt: 1 });
trainingSessionSchema.index({ country: 1, firstStartsAt: 1 });
// Lists read every session from memory (in-memory.ts): any write drops that copy.
invalidatesCache(trainingSessionSchema, 'sessions');

export const TrainingSession = mongoose.model<TrainingSessionDocument>('TrainingSession', trainingSessionSchema, 'training_sessions');

/** The folded venue name: "  Hôtel de  Ville " → "hôtel de ville". */
export function venueKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
