import mongoose, { Schema } from 'mongoose';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

interface CounterDocument {
  _id: string;
  hits: number;
  resetAt: Date;
}

const counterSchema = new Schema<CounterDocument>(
  { _id: { type: String, required: true }, hits: { type: Number, required: true }, resetAt: { type: Date, required: true, index: true } },
  { versionKey: false },
);
const RateLimitCounter = mongoose.model<CounterDocument>('RateLimitCounter', counterSchema, 'rate_limits');

const CLEANUP_EVERY_MS = 5 * 60 * 1000;

/**
 * express-rate-limit counters in the database, so several app instances share one limit.
 * Fixed windows: one document per key, incremented atomically while its window is open and
 * restarted when it has passed. No TTL index (FerretDB has none): expired counters are
 * removed now and then by the instance that happens to be counting.
 */
export class MongoRateLimitStore implements Store {
  private windowMs = 60_000;
  private lastCleanup = 0;

  constructor(readonly prefix: string) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private id(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const counter = await RateLimitCounter.findOne({ _id: this.id(key), resetAt: mongoose.trusted({ $gt: new Date() }) }).lean();
    return counter ? { totalHits: counter.hits, resetTime: counter.resetAt } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = new Date();
    await this.removeExpired(now);
    const open = await RateLimitCounter.findOneAndUpdate(
      { _id: this.id(key), resetAt: mongoose.trusted({ $gt: now }) },
      { $inc: { hits: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (open) return { totalHits: open.hits, resetTime: open.resetAt };
    const resetAt = new Date(now.getTime() + this.windowMs);
    const fresh = await RateLimitCounter.findOneAndUpdate(
      { _id: this.id(key) },
      { $set: { hits: 1, resetAt } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    return { totalHits: fresh?.hits ?? 1, resetTime: fresh?.resetAt ?? resetAt };
  }

  async decrement(key: string): Promise<void> {
    await RateLimitCounter.updateOne({ _id: this.id(key), hits: mongoose.trusted({ $gt: 0 }) }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await RateLimitCounter.deleteOne({ _id: this.id(key) });
  }

  private async removeExpired(now: Date): Promise<void> {
    if (now.getTime() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now.getTime();
    await RateLimitCounter.deleteMany({ resetAt: mongoose.trusted({ $lte: now }) });
  }
}
