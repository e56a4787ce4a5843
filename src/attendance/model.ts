/**
 * Attendance (issue 6): one record per person per session day, the append-only trail of every
 * change, and per person whether they count as trained. Counts are kept on write, so reading
 * the programme's target never scans attendance.
 */
import { invalidatesCache } from '../cache/shared-cache';
import mongoose, { Schema } from 'mongoose';

export const ATTENDANCE_STATUSES = ['present', 'late', 'excused', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** An attendance record's id: `<session id>:<day index>:<user id>`. */
export const attendanceId = (session: mongoose.Types.ObjectId | string, day: number, user: mongoose.Types.ObjectId | string) => `${String(session)}:${day}:${String(user)}`;

export interface AttendanceDocument {
  /** `<session id>:<day index>:<user id>`: one record per person and day, so a repeated PUT changes nothing. */
  _id: string;
  session: mongoose.Types.ObjectId;
  /** 0-based index of the day in the session's `days`. */
  day: number;
  /** The day's local date, 'YYYY-MM-DD' (for reports). */
  date: string;
  user: mongoose.Types.ObjectId;
  status: AttendanceStatus;
  note?: string;
  recordedBy: mongoose.Types.ObjectId;
  recordedAt: Date;
  /** How it was recorded: the roll call, or the person's own check-in with a code. */
  via: 'roll-call' | 'check-in';
}

const attendanceSchema = new Schema<AttendanceDocument>(
  {
    _id: { type: String },
    session: { type: Schema.Types.ObjectId, required: true },
    day: { type: Number, required: true },
    date: { type: String, required: true },
    user: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, enum: ATTENDANCE_STATUSES, required: true },
    note: { type: String, maxlength: 500 },
    recordedBy: { type: Schema.Types.ObjectId, required: true },
    recordedAt: { type: Date, required: true },
    via: { type: String, enum: ['roll-call', 'check-in'], default: 'roll-call' },
  },
  { versionKey: false },
);
attendanceSchema.index({ session: 1, day: 1 });
attendanceSchema.index({ user: 1 });
attendanceSchema.index({ date: 1 });

export const Attendance = mongoose.model<AttendanceDocument>('Attendance', attendanceSchema, 'attendance');

/** Who changed what, when: insert-only, so no correction is ever lost (no read-modify-write). */
export interface AttendanceChangeDocument {
  _id: mongoose.Types.ObjectId;
  attendance: string;
  session: mongoose.Types.ObjectId;
  day: number;
  user: mongoose.Types.ObjectId;
  from: AttendanceStatus | null;
  to: AttendanceStatus;
  note?: string;
  by: mongoose.Types.ObjectId;
  at: Date;
  via: 'roll-call' | 'check-in';
}

const attendanceChangeSchema = new Schema<AttendanceChangeDocument>(
  {
    attendance: { type: String, required: true },
    session: { type: Schema.Types.ObjectId, required: true },
    day: { type: Number, required: true },
    user: { type: Schema.Types.ObjectId, required: true },
    from: { type: String, enum: [...ATTENDANCE_STATUSES, null], default: null },
    to: { type: String, enum: ATTENDANCE_STATUSES, required: true },
    note: { type: String, maxlength: 500 },
    by: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    via: { type: String, enum: ['roll-call', 'check-in'], default: 'roll-call' },
  },
  { versionKey: false },
);
attendanceChangeSchema.index({ session: 1, at: 1 });
attendanceChangeSchema.index({ attendance: 1, at: 1 });

export const AttendanceChange = mongoose.model<AttendanceChangeDocument>('AttendanceChange', attendanceChangeSchema, 'attendance_changes');

/**
 * One per person who attended anything: whether the rule counts them as trained, and what the
 * breakdowns need (copied from their account and the first session that trained them).
 */
export interface TrainedPersonDocument {
  _id: mongoose.Types.ObjectId;
  trained: boolean;
  /** The first day on which they became trained (end of the qualifying session's last day). */
  trainedAt?: Date;
  /** The sessions that qualify them. */
  sessions: mongoose.Types.ObjectId[];
  country?: string;
  city?: string;
  sector?: string;
  organisationType?: string;
  /** Module slugs of the qualifying sessions. */
  courses: string[];
  updatedAt: Date;
}

const trainedPersonSchema = new Schema<TrainedPersonDocument>(
  {
    trained: { type: Boolean, required: true },
    trainedAt: { type: Date },
    sessions: { type: [Schema.Types.ObjectId], default: [] },
    country: { type: String },
    city: { type: String },
    sector: { type: String },
    organisationType: { type: String },
    courses: { type: [String], default: [] },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
trainedPersonSchema.index({ trained: 1, country: 1 });
trainedPersonSchema.index({ trained: 1, trainedAt: 1 });
// The dashboard's figures are kept in memory (stats.ts): any write drops them.
invalidatesCache(trainedPersonSchema, 'trained-people');

export const TrainedPerson = mongoose.model<TrainedPersonDocument>('TrainedPerson', trainedPersonSchema, 'trained_people');
