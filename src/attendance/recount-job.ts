/**
 * Counting everyone again after the rule changed (issue 12, point 6) is a job, not a request:
 * the job (one document) keeps the rule and how far it got, so a runner that stops half-way (a
 * crash, a restart, a dead database) leaves it to the next runner, on this instance or another,
 * which carries on from there. Until it has finished, the dashboard says the figures are being
 * recounted instead of showing a mix of two rules.
 *
 * Runners take turns through a claim per time slot (a unique insert, atomic on FerretDB too);
 * a slow runner and the next one may overlap for a moment, which costs work, not correctness:
 * counting a person is idempotent.
 */
import mongoose, { Schema } from 'mongoose';
import { claimOnce } from '../db/single-use';
import type { Logger } from '../logger';
import { Attendance, TrainedPerson } from './model';
import { getSettings, type ProgrammeSettings } from './settings';
import { recountPeople } from './trained';

interface RecountJobDocument {
  _id: string;
  /** Each new start is a new generation (unique); a runner of an older one stops. */
  generation: string;
  rule: ProgrammeSettings;
  /** The last person (id, in order) counted under this generation's rule. */
  after?: string;
  done: boolean;
  startedAt: Date;
  finishedAt?: Date;
}

const jobSchema = new Schema<RecountJobDocument>(
  {
    _id: { type: String },
    generation: { type: String, required: true },
    rule: { type: Schema.Types.Mixed, required: true },
    after: { type: String },
    done: { type: Boolean, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { versionKey: false },
);
const RecountJob = mongoose.model<RecountJobDocument>('RecountJob', jobSchema, 'recount_jobs');
const ID = 'programme';

/** How long one runner has the job before another may take its turn. */
const TURN_MS = 60_000;
const BATCH = 500;

/** Records that everyone must be counted again under `rule`; the work is done by runRecount. */
export async function startRecount(rule: ProgrammeSettings, now = new Date()): Promise<void> {
  const generation = String(new mongoose.Types.ObjectId());
  await RecountJob.replaceOne({ _id: ID }, { _id: ID, generation, rule, done: false, startedAt: now }, { upsert: true });
}

/** Whether a recount is under way: the figures mix two rules until it has finished. */
export async function recountInProgress(): Promise<boolean> {
  return Boolean(await RecountJob.exists({ _id: ID, done: false }));
}

export type RecountOutcome = 'done' | 'nothing-to-do' | 'another-runner';

export interface RecountHooks {
  batchSize?: number;
  /** Called after each batch is stored, with how many people are counted so far (tests). */
  afterBatch?: (counted: number) => void | Promise<void>;
}

/**
 * Runs the pending recount from where it stopped, if any and if it is this runner's turn.
 * Resolves once it has finished; throws if the work fails (the job stays pending).
 */
export async function runRecount(hooks: RecountHooks = {}, now = new Date()): Promise<RecountOutcome> {
  const job = await RecountJob.findById(ID).lean();
  if (!job || job.done) return 'nothing-to-do';
  if (!(await claimOnce(`recount:${job.generation}:${Math.floor(now.getTime() / TURN_MS)}`, 2 * TURN_MS))) return 'another-runner';

  const everyone = (await Attendance.distinct('user')).map(String).sort();
  const remaining = job.after === undefined ? everyone : everyone.filter((id) => id > job.after!);
  const batchSize = hooks.batchSize ?? BATCH;
  let counted = everyone.length - remaining.length;
  for (let start = 0; start < remaining.length; start += batchSize) {
    const batch = remaining.slice(start, start + batchSize);
    await recountPeople(batch, job.rule);
    // A newer rule took over meanwhile: its own run starts from the beginning.
    const stored = await RecountJob.updateOne({ _id: ID, generation: job.generation }, { $set: { after: batch[batch.length - 1] } });
    if (stored.matchedCount === 0) return 'another-runner';
    counted += batch.length;
    await hooks.afterBatch?.(counted);
  }
  // People with no attendance left are no longer counted.
  await TrainedPerson.deleteMany({ _id: mongoose.trusted({ $nin: everyone.map((id) => new mongoose.Types.ObjectId(id)) }) });
  await RecountJob.updateOne({ _id: ID, generation: job.generation }, { $set: { done: true, finishedAt: new Date() } });
  return 'done';
}

/** Waits until no recount is pending, running it when it is this runner's turn. */
export async function finishRecount(pollMs = 500): Promise<void> {
  for (;;) {
    const outcome = await runRecount();
    if (outcome !== 'another-runner' || !(await recountInProgress())) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Everyone who attended anything, counted again under `settings` (the saved ones by default),
 * through the job: started, then run to the end. Resolves to how many people that is.
 */
export async function recountEveryone(settings?: ProgrammeSettings): Promise<number> {
  await startRecount(settings ?? (await getSettings()));
  await finishRecount();
  return (await Attendance.distinct('user')).length;
}

/** In the server: picks up a recount left half-done (a restart, another instance's crash). */
export function startRecountRunner(log: Logger, everyMs = 15_000): { stop(): void } {
  const tick = () => {
    runRecount().then(
      (outcome) => outcome === 'done' && log.info('finished a recount of who is trained that had been left half-done'),
      (error: unknown) => log.error({ err: error }, 'a recount of who is trained failed; it will be resumed'),
    );
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
