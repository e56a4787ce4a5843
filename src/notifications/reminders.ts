/**
 * Reminders two days before day 1 (issue 5, point 6), sent by a scheduler inside the app.
 *
 * Several instances may run it against one database, and any may stop at any moment. Each
 * reminder is a job claimed by inserting a document with a unique `_id`, because a guarded
 * update is not atomic on FerretDB 1.24 while a unique index is (src/db/single-use.ts):
 * - attempt 1 is `reminder:<session>:<user>`, attempt n > 1 `reminder:<session>:<user>:attempt<n>`;
 *   whoever inserts an attempt owns it, everybody else gets a duplicate key and moves on;
 * - the owner sends the mail, then records `sentAt`: a job with a sent attempt is done for good;
 * - an attempt neither sent nor failed after its lease (a crashed instance) lets the next run
 *   claim attempt n + 1, so a restart never loses a reminder; a failed delivery gives up its
 *   lease at once and is retried the same way, up to MAX_ATTEMPTS.
 * The lease is far longer than a delivery can take (the mailer gives up within a minute), and
 * the owner checks, just before sending, that nobody has claimed a later attempt.
 */
import mongoose, { Schema } from 'mongoose';
import { SeatClaim } from '../enrolment/model';
import { TrainingSession, type TrainingSessionDocument } from '../sessions/model';
import { findRecipient, type SessionMailContext, sendSessionMail } from './session-mail';
import { isDuplicateKey } from '../db/duplicate-key';

/** Reminders go out once day 1 starts within this. */
export const REMINDER_WINDOW_MS = 48 * 3600 * 1000;
/** How long a claimed, unsent reminder belongs to the instance that claimed it. */
export const REMINDER_LEASE_MS = 10 * 60 * 1000;
/** Deliveries tried before giving up (a refused address, a mail server down for hours). */
export const MAX_ATTEMPTS = 5;

export interface MailJobDocument {
  /** `reminder:<session>:<user>`, then `…:attempt<n>`: the insert is the claim. */
  _id: string;
  /** `reminder:<session>:<user>`: the job all its attempts belong to. */
  job: string;
  attempt: number;
  session: mongoose.Types.ObjectId;
  user: mongoose.Types.ObjectId;
  /** Day 1 of the session when claimed: jobs of sessions long begun are removed. */
  startsAt: Date;
  claimedAt: Date;
  leaseUntil: Date;
  /** Which instance claimed it (host and process id), for the logs. */
  owner: string;
  sentAt?: Date;
  failedAt?: Date;
  error?: string;
}

const mailJobSchema = new Schema<MailJobDocument>(
  {
    _id: { type: String },
    job: { type: String, required: true },
    attempt: { type: Number, required: true },
    session: { type: Schema.Types.ObjectId, required: true },
    user: { type: Schema.Types.ObjectId, required: true },
    startsAt: { type: Date, required: true },
    claimedAt: { type: Date, required: true },
    leaseUntil: { type: Date, required: true },
    owner: { type: String, required: true },
    sentAt: { type: Date },
    failedAt: { type: Date },
    error: { type: String },
  },
  { versionKey: false },
);
mailJobSchema.index({ session: 1 });
mailJobSchema.index({ startsAt: 1 });

export const MailJob = mongoose.model<MailJobDocument>('MailJob', mailJobSchema, 'mail_jobs');

export function reminderJobKey(session: mongoose.Types.ObjectId | string, user: mongoose.Types.ObjectId | string): string {
  return `reminder:${String(session)}:${String(user)}`;
}

export function attemptId(job: string, attempt: number): string {
  return attempt === 1 ? job : `${job}:attempt${attempt}`;
}

export interface ReminderSchedulerOptions extends SessionMailContext {
  intervalMs?: number;
  now?: () => Date;
  /** Names this instance in the claims; host and process id by default. */
  owner?: string;
}

export interface RunSummary {
  sessions: number;
  sent: number;
  failed: number;
}

export interface ReminderScheduler {
  /** One pass: every reminder due and not yet claimed is claimed and sent. Runs of one scheduler never overlap. */
  runOnce(): Promise<RunSummary>;
  /** No more runs; resolves once the run under way, if any, has finished. */
  stop(): Promise<void>;
}


/** Finds what is due every `intervalMs` (a minute by default); the first run comes after one interval. */
export function startReminderScheduler(options: ReminderSchedulerOptions): ReminderScheduler {
  const { log, intervalMs = 60_000, now = () => new Date() } = options;
  const owner = options.owner ?? `${process.env.HOSTNAME ?? 'host'}:${process.pid}:${new mongoose.Types.ObjectId().toHexString().slice(-6)}`;
  let running: Promise<RunSummary> | undefined;
  let stopped = false;
  let indexes: Promise<unknown> | undefined;

  /** Claims the job for this instance: the attempt's id, or none when it is done, held or given up. */
  async function claim(session: TrainingSessionDocument, user: mongoose.Types.ObjectId, at: Date): Promise<{ id: string; attempt: number } | undefined> {
    const job = reminderJobKey(session._id, user);
    const attempts = await MailJob.find({ job }).select({ attempt: 1, leaseUntil: 1, sentAt: 1 }).lean();
    if (attempts.some((attempt) => attempt.sentAt)) return undefined;
    const last = attempts.reduce<(typeof attempts)[number] | undefined>((latest, attempt) => (!latest || attempt.attempt > latest.attempt ? attempt : latest), undefined);
    if (last && last.leaseUntil.getTime() > at.getTime()) return undefined;
    const next = (last?.attempt ?? 0) + 1;
    if (next > MAX_ATTEMPTS) return undefined;
    const id = attemptId(job, next);
    try {
      await MailJob.create({
        _id: id,
        job,
        attempt: next,
        session: session._id,
        user,
        startsAt: session.firstStartsAt,
        claimedAt: at,
        leaseUntil: new Date(at.getTime() + REMINDER_LEASE_MS),
        owner,
      });
    } catch (error) {
      if (isDuplicateKey(error)) return undefined;
      throw error;
    }
    if (next > 1) log.warn({ job, attempt: next }, 'reminder claimed again: an earlier attempt was not completed');
    return { id, attempt: next };
  }

  async function remind(session: TrainingSessionDocument, user: mongoose.Types.ObjectId, at: Date): Promise<'sent' | 'failed' | 'skipped'> {
    const claimed = await claim(session, user, at);
    if (!claimed) return 'skipped';
    const { id, attempt } = claimed;
    const job = reminderJobKey(session._id, user);
    try {
      const recipient = await findRecipient(user, options.config.defaultLanguage);
      if (!recipient) {
        // Nobody to write to: done, so that it is never tried again.
        await MailJob.updateOne({ _id: id }, { $set: { sentAt: now(), error: 'no active account' } });
        return 'skipped';
      }
      // Still ours? A later attempt means our lease ran out meanwhile: the other one sends.
      const later = await MailJob.exists({ job, attempt: mongoose.trusted({ $gt: attempt }) });
      if (later) return 'skipped';
      await sendSessionMail(options, 'reminder', recipient, session);
    } catch (error) {
      log.error({ err: error, job }, 'a session reminder could not be sent; the next run tries again');
      const message = error instanceof Error ? error.message : String(error);
      await MailJob.updateOne({ _id: id }, { $set: { failedAt: now(), leaseUntil: now(), error: message.slice(0, 500) } }).catch(() => undefined);
      return 'failed';
    }
    await MailJob.updateOne({ _id: id }, { $set: { sentAt: now() } });
    log.info({ job, session: String(session._id), user: String(user) }, 'session reminder sent');
    return 'sent';
  }

  async function run(): Promise<RunSummary> {
    // createIndexes, not init(): init() keeps the failed attempt made if the model was compiled before the connection.
    indexes ??= MailJob.createIndexes().catch((error: unknown) => {
      indexes = undefined;
      throw error;
    });
    await indexes;
    const at = now();
    const sessions = await TrainingSession.find({
      status: 'open',
      firstStartsAt: mongoose.trusted({ $gt: at, $lte: new Date(at.getTime() + REMINDER_WINDOW_MS) }),
    }).lean<TrainingSessionDocument[]>();
    const summary: RunSummary = { sessions: sessions.length, sent: 0, failed: 0 };
    for (const session of sessions) {
      if (stopped) break;
      const seats = await SeatClaim.find({ session: session._id }).select({ user: 1 }).sort({ claimedAt: 1 }).lean();
      for (const { user } of seats) {
        if (stopped) break;
        const outcome = await remind(session, user, now());
        if (outcome === 'sent') summary.sent += 1;
        if (outcome === 'failed') summary.failed += 1;
      }
    }
    // Jobs of sessions begun more than a week ago can no longer matter (no TTL index on FerretDB).
    await MailJob.deleteMany({ startsAt: mongoose.trusted({ $lt: new Date(at.getTime() - 7 * 24 * 3600 * 1000) }) });
    return summary;
  }

  function runOnce(): Promise<RunSummary> {
    if (running) return running;
    running = run().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => {
    if (stopped || running) return;
    runOnce().catch((error: unknown) => log.error({ err: error }, 'the reminder run failed; the next one tries again'));
  }, intervalMs);
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
