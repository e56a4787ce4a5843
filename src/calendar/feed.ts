/**
 * Personal calendar feeds (issue 5, point 4): a secret URL per user that calendar applications
 * subscribe to, listing the sessions they are enrolled in or teach. The secret is 32 random
 * bytes (base64url); only its SHA-256 is stored, so the URL is shown once, at creation.
 *
 * One document per user (unique index on `user`): creating replaces the hash in one atomic
 * upsert, so there is never more than one active feed, whatever the concurrency; revoking sets
 * `revokedAt` and forgets the hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import type { TFunction } from 'i18next';
import type { Language } from '../i18n/languages';
import { User } from '../accounts/model';
import { Enrolment } from '../enrolment/model';
import { NotFoundError } from '../http/errors';
import { TrainingSession, type TrainingSessionDocument } from '../sessions/model';
import { type CalendarOptions, sessionsCalendar } from './session-calendar';
import { isDuplicateKey } from '../db/duplicate-key';

export interface CalendarFeedDocument {
  _id: mongoose.Types.ObjectId;
  user: mongoose.Types.ObjectId;
  /** SHA-256 (hex) of the secret in the URL; absent once revoked. */
  tokenHash?: string | null;
  createdAt: Date;
  revokedAt?: Date | null;
}

const calendarFeedSchema = new Schema<CalendarFeedDocument>(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    tokenHash: { type: String, default: null },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
calendarFeedSchema.index({ user: 1 }, { unique: true });
calendarFeedSchema.index({ tokenHash: 1 });

export const CalendarFeed = mongoose.model<CalendarFeedDocument>('CalendarFeed', calendarFeedSchema, 'calendar_feeds');

export const FEED_PREFIX = '/calendar';
/** 32 bytes in base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Sessions that ended longer ago than this leave the feed (it stays small). */
export const FEED_PAST_DAYS = 180;

export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function feedPath(token: string): string {
  return `${FEED_PREFIX}/${token}.ics`;
}

export interface CreatedFeed {
  token: string;
  /** `/calendar/<token>.ics` */
  path: string;
  /** The absolute URL to subscribe to, when a base URL was given. */
  url: string;
}

/**
 * A new feed for the user, replacing any earlier one (its URL stops working at once). The
 * secret is returned here and never again.
 */
export async function createFeed(userId: string, options: { baseUrl?: string } = {}): Promise<CreatedFeed> {
  const token = randomBytes(32).toString('base64url');
  const update = { $set: { tokenHash: hashFeedToken(token), createdAt: new Date(), revokedAt: null } };
  const filter = { user: new mongoose.Types.ObjectId(userId) };
  try {
    await CalendarFeed.updateOne(filter, update, { upsert: true });
  } catch (error) {
    // Two first creations at once: one upsert inserted, the other hit the unique index; as an update it now wins.
    if (!isDuplicateKey(error)) throw error;
    await CalendarFeed.updateOne(filter, update);
  }
  const path = feedPath(token);
  return { token, path, url: `${options.baseUrl ?? ''}${path}` };
}

/** Turns the user's feed off; false when there was none active. */
export async function revokeFeed(userId: string): Promise<boolean> {
  const result = await CalendarFeed.updateOne(
    { user: new mongoose.Types.ObjectId(userId), revokedAt: null },
    { $set: { revokedAt: new Date(), tokenHash: null } },
  );
  return result.modifiedCount > 0;
}

/** For the profile page: whether the user has an active feed, and since when. */
export async function feedStatus(userId: string): Promise<{ active: boolean; createdAt?: Date }> {
  const feed = await CalendarFeed.findOne({ user: new mongoose.Types.ObjectId(userId) }).lean();
  if (!feed || feed.revokedAt || !feed.tokenHash) return { active: false };
  return { active: true, createdAt: feed.createdAt };
}

/** The owner of an active feed token, or undefined for an unknown, malformed or revoked one. */
export async function feedOwner(token: string): Promise<mongoose.Types.ObjectId | undefined> {
  if (!TOKEN.test(token)) return undefined;
  const feed = await CalendarFeed.findOne({ tokenHash: hashFeedToken(token), revokedAt: null }).lean();
  return feed?.user;
}

/** The ids of the sessions a user holds a seat in (status `enrolled`; not the waiting list). */
async function enrolledSessionIds(userId: mongoose.Types.ObjectId): Promise<mongoose.Types.ObjectId[]> {
  const rows = await Enrolment.find({ user: userId, status: 'enrolled' }).select({ session: 1 }).lean();
  return rows.map((row) => row.session);
}

/** The sessions of a user's feed: enrolled in or teaching, not ended more than FEED_PAST_DAYS ago. */
export async function feedSessions(userId: mongoose.Types.ObjectId, now: Date = new Date()): Promise<TrainingSessionDocument[]> {
  const enrolled = await enrolledSessionIds(userId);
  const since = new Date(now.getTime() - FEED_PAST_DAYS * 86_400_000);
  return TrainingSession.find({
    $or: [{ trainers: userId }, ...(enrolled.length > 0 ? [{ _id: mongoose.trusted({ $in: enrolled }) }] : [])],
    lastEndsAt: mongoose.trusted({ $gte: since }),
  })
    .sort({ firstStartsAt: 1, _id: 1 })
    .lean<TrainingSessionDocument[]>();
}

export interface FeedCalendarOptions extends Omit<CalendarOptions, 't' | 'lang'> {
  /** A translator for the feed owner's language. */
  translatorFor: (lang: Language) => TFunction;
}

/**
 * The feed of `token` as iCalendar text, in its owner's language. 404 (NotFoundError) for an
 * unknown or revoked token.
 */
export async function feedCalendar(token: string, options: FeedCalendarOptions): Promise<string> {
  const owner = await feedOwner(token);
  if (!owner) throw new NotFoundError('no such calendar feed');
  const user = await User.findById(owner).select({ language: 1, status: 1 }).lean();
  if (!user || user.status !== 'active') throw new NotFoundError('no such calendar feed');
  const sessions = await feedSessions(owner, options.now);
  const t = options.translatorFor(user.language);
  return sessionsCalendar(sessions, { ...options, lang: user.language, t, name: t('calendar:feed-name') });
}
