import mongoose, { Schema } from 'mongoose';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

/** One counted request: the limits count documents, never a number that requests change. */
interface HitDocument {
  _id: mongoose.Types.ObjectId;
  key: string;
  at: Date;
}

const hitSchema = new Schema<HitDocument>({ key: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });
hitSchema.index({ key: 1, at: 1 });
const RateLimitHit = mongoose.model<HitDocument>('RateLimitHit', hitSchema, 'rate_limit_hits');

const CLEANUP_EVERY_MS = 5 * 60 * 1000;

/**
 * express-rate-limit counters in the database, so several app instances share one limit.
 *
 * Each counted request is a document of its own, and a count is how many there are within
 * the window (a sliding window). A shared counter document updated with `$inc` lost and
 * doubled updates on FerretDB 1.24, where a guarded update is not atomic under concurrency:
 * successful sign-ins (counted, then un-counted) drove the counter up until correct passwords
 * got 429, and simultaneous first hits raced on one upsert (E11000, a 500). An insert is
 * atomic everywhere; un-counting deletes one document this instance inserted for the key, by
 * its id, so no two requests ever remove the same hit.
 *
 * No TTL index (FerretDB has none): hits older than the window are removed now and then by
 * the instance that happens to be counting.
 */
export class MongoRateLimitStore implements Store {
  private windowMs = 60_000;
  private lastCleanup = 0;
  /** The hits this instance counted and may still un-count (skipSuccessfulRequests), per key. */
  private readonly counted = new Map<string, mongoose.Types.ObjectId[]>();

  constructor(readonly prefix: string) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private id(key: string): string {
    return `${this.prefix}:${key}`;
  }

  /**
   * The hits of a key within the window: how many (up to and including `upTo`, so that of
   * simultaneous requests the first ones by arrival pass, not none), and when the oldest stops
   * counting. Ids grow with time, so their order is the order of arrival.
   */
  private async window(key: string, now: Date, upTo?: mongoose.Types.ObjectId): Promise<ClientRateLimitInfo> {
    const hits = await RateLimitHit.find({ key: this.id(key), at: mongoose.trusted({ $gt: new Date(now.getTime() - this.windowMs) }) })
      .select({ at: 1 })
      .sort({ at: 1 })
      .lean();
    const counted = upTo ? hits.filter((hit) => String(hit._id) <= String(upTo)) : hits;
    const oldest = hits[0]?.at ?? now;
    return { totalHits: counted.length, resetTime: new Date(oldest.getTime() + this.windowMs) };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const info = await this.window(key, new Date());
    return info.totalHits > 0 ? info : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = new Date();
    await this.removeExpired(now);
    const hit = await RateLimitHit.create({ key: this.id(key), at: now });
    const mine = this.counted.get(key) ?? [];
    mine.push(hit._id);
    this.counted.set(key, mine);
    return this.window(key, now, hit._id);
  }

  async decrement(key: string): Promise<void> {
    const mine = this.counted.get(key);
    const hit = mine?.pop();
    if (mine && mine.length === 0) this.counted.delete(key);
    if (hit) await RateLimitHit.deleteOne({ _id: hit });
  }

  async resetKey(key: string): Promise<void> {
    this.counted.delete(key);
    await RateLimitHit.deleteMany({ key: this.id(key) });
  }

  private async removeExpired(now: Date): Promise<void> {
    if (now.getTime() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now.getTime();
    // Hits count for one window at most; no limit here is longer than a day.
    await RateLimitHit.deleteMany({ at: mongoose.trusted({ $lte: new Date(now.getTime() - Math.max(this.windowMs, 24 * 60 * 60 * 1000)) }) });
  }
}
