/**
 * The programme's settings that decide what counts (issue 6, point 4): the target of trained
 * people, which statuses count as attended, and the share of a session's days required.
 * Administrators change them; changing the rule recounts everyone (trained.ts).
 */
import mongoose, { Schema } from 'mongoose';
import { z } from 'zod';
import { invalidatesCache, sharedCache } from '../cache/shared-cache';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from './model';

export interface ProgrammeSettings {
  target: number;
  /** Statuses that count as having attended a day. `excused` does not, by default. */
  countingStatuses: AttendanceStatus[];
  /** Share of a session's days attended to be trained by it: 1 = every day. */
  requiredShare: number;
}

export const DEFAULT_SETTINGS: ProgrammeSettings = { target: 200, countingStatuses: ['present', 'late'], requiredShare: 1 };

export const settingsSchema = z.strictObject({
  target: z.number().int().min(1).max(1_000_000),
  countingStatuses: z.array(z.enum(ATTENDANCE_STATUSES)).min(1).max(4),
  requiredShare: z.number().min(0.1).max(1),
});

interface SettingsDocument extends ProgrammeSettings {
  _id: string;
  updatedAt: Date;
  updatedBy?: mongoose.Types.ObjectId;
}

const settingsDocumentSchema = new Schema<SettingsDocument>(
  {
    _id: { type: String },
    target: { type: Number, required: true },
    countingStatuses: { type: [String], required: true },
    requiredShare: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: Schema.Types.ObjectId },
  },
  { versionKey: false },
);

// Read on most pages and every count: kept in memory, dropped by any write (cache/shared-cache.ts).
invalidatesCache(settingsDocumentSchema, 'settings');
const Settings = mongoose.model<SettingsDocument>('ProgrammeSettings', settingsDocumentSchema, 'programme_settings');
const ID = 'programme';

/** The settings with who saved them last and when; neither while the defaults stand. */
export interface SettingsRecord extends ProgrammeSettings {
  updatedAt?: Date;
  updatedBy?: string;
}

const recordOf = (stored: SettingsDocument | null): SettingsRecord =>
  stored
    ? {
        target: stored.target,
        countingStatuses: stored.countingStatuses,
        requiredShare: stored.requiredShare,
        updatedAt: stored.updatedAt,
        ...(stored.updatedBy ? { updatedBy: String(stored.updatedBy) } : {}),
      }
    : { ...DEFAULT_SETTINGS };

/** The settings with who changed them last and when. */
const stored = sharedCache('settings', async () => recordOf(await Settings.findById(ID).lean()));

export async function getSettingsRecord(): Promise<SettingsRecord> {
  return { ...(await stored.get()) };
}

/** The settings alone: what the count and the pages apply. */
export async function getSettings(): Promise<ProgrammeSettings> {
  const { target, countingStatuses, requiredShare } = await getSettingsRecord();
  return { target, countingStatuses, requiredShare };
}

export async function saveSettings(settings: ProgrammeSettings, by: string): Promise<SettingsRecord> {
  const saved = await Settings.findOneAndUpdate(
    { _id: ID },
    { $set: { ...settings, updatedAt: new Date(), updatedBy: new mongoose.Types.ObjectId(by) } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  return recordOf(saved);
}
