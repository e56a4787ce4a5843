import mongoose, { Schema } from 'mongoose';
import { NotFoundError } from '../http/errors';
import type { CourseVersionDocument, QuestionDocument } from './model';
import { latestPublished } from './published';
import { isDuplicateKey } from '../db/duplicate-key';

/** The share of questions answered right needed to pass the knowledge check. */
export const PASS_MARK = 0.7;

export interface ProgressDocument {
  /** `<user id>:<course>` (progressId): read by key, never by scanning everyone's progress. */
  _id: string;
  user: mongoose.Types.ObjectId;
  course: string;
  /** The version the learner started, kept until they choose to switch. */
  version: string;
  lessons: Array<{ key: string; contentHash: string; at: Date }>;
  /** `answers`: the options chosen per question, so the result page can give feedback. */
  attempts: Array<{ at: Date; score: number; passed: boolean; answers: Record<string, string[]> }>;
  completedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const progressSchema = new Schema<ProgressDocument>(
  {
    _id: { type: String },
    user: { type: Schema.Types.ObjectId, required: true },
    course: { type: String, required: true },
    version: { type: String, required: true },
    lessons: { type: [{ _id: false, key: String, contentHash: String, at: Date }], default: [] },
    attempts: { type: [{ _id: false, at: Date, score: Number, passed: Boolean, answers: Schema.Types.Mixed }], default: [] },
    completedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
// One progress per learner and course: the id is derived from both (progressId), so a second
// quick "start" collides on the key and finds the first one.

export const Progress = mongoose.model<ProgressDocument>('Progress', progressSchema, 'course_progress');

/**
 * A learner's progress in a course has this id, so that it is found by key: FerretDB answers
 * any other query by scanning everyone's progress, on every lesson page.
 */
export const progressId = (userId: string | mongoose.Types.ObjectId, course: string) => `${String(userId).toLowerCase()}:${course}`;

/**
 * Progress stored before ids were derived (an ObjectId) is moved to its derived id: copied,
 * then the old document removed. Idempotent; run on every start (startup.ts).
 */
export async function migrateProgressIds(): Promise<number> {
  // The unique (user, course) index of those days would refuse the copy while the old one exists;
  // the derived id makes it redundant.
  if (await Progress.collection.indexExists('user_1_course_1').catch(() => false)) await Progress.collection.dropIndex('user_1_course_1');
  const old = await Progress.collection.find({ _id: { $type: 'objectId' } }).toArray();
  for (const doc of old) {
    const { _id, ...rest } = doc;
    await Progress.collection.insertOne({ ...rest, _id: progressId(doc.user as mongoose.Types.ObjectId, String(doc.course)) } as never).catch((error: unknown) => {
      // Copied by a run that stopped before removing the old one: the copy is there.
      if (!isDuplicateKey(error)) throw error;
    });
    await Progress.collection.deleteOne({ _id });
  }
  return old.length;
}

export type LessonChange = 'new' | 'changed' | 'unchanged';


export async function findProgress(userId: string, course: string): Promise<ProgressDocument | null> {
  return Progress.findById(progressId(userId, course)).lean<ProgressDocument>();
}

/** Starts a course on its latest published version; starting again changes nothing. */
export async function startCourse(userId: string, course: string): Promise<ProgressDocument> {
  const existing = await findProgress(userId, course);
  if (existing) return existing;
  const latest = await latestPublished(course);
  if (!latest) throw new NotFoundError('no published version');
  try {
    await Progress.create({ _id: progressId(userId, course), user: userId, course, version: latest.version });
  } catch (error) {
    // Two quick clicks: the unique index let only one in, which is the one we want.
    if (!isDuplicateKey(error)) throw error;
  }
  return (await findProgress(userId, course))!;
}

/** Whether every lesson of the version is done and the check passed. */
function isComplete(progress: Pick<ProgressDocument, 'lessons' | 'attempts'>, version: CourseVersionDocument): boolean {
  const done = new Set(progress.lessons.map((lesson) => lesson.key));
  return version.lessons.every((lesson) => done.has(lesson.key)) && progress.attempts.some((attempt) => attempt.passed);
}

/** Sets completedAt once, the first time the progress becomes complete. */
async function settleCompletion(id: string, version: CourseVersionDocument): Promise<void> {
  const progress = await Progress.findById(id).lean<ProgressDocument>();
  if (!progress || progress.completedAt || !isComplete(progress, version)) return;
  await Progress.updateOne({ _id: id, completedAt: mongoose.trusted({ $exists: false }) }, { $set: { completedAt: new Date() } });
}

/**
 * Marks a lesson of the pinned version done. The guard on `lessons.key` makes it a no-op when
 * the lesson is already there, so two quick clicks record it once (with its first date).
 */
export async function markLessonDone(progress: ProgressDocument, version: CourseVersionDocument, key: string): Promise<void> {
  const lesson = version.lessons.find((candidate) => candidate.key === key);
  if (!lesson) throw new NotFoundError('no such lesson');
  await Progress.updateOne(
    { _id: progress._id, version: version.version, 'lessons.key': mongoose.trusted({ $ne: key }) },
    { $push: { lessons: { key, contentHash: lesson.contentHash, at: new Date() } } },
  );
  await settleCompletion(progress._id, version);
}

export interface QuestionResult {
  key: string;
  correct: boolean;
  chosen: string[];
}

export interface CheckResult {
  score: number;
  total: number;
  /** 0..1 */
  share: number;
  passed: boolean;
  questions: QuestionResult[];
}

/** A question is right only when exactly the correct options, no more and no fewer, are chosen. */
export function scoreCheck(questions: QuestionDocument[], answers: Record<string, string[]>): CheckResult {
  const results = questions.map((question) => {
    const chosen = [...new Set((answers[question.key] ?? []).filter((option) => question.optionKeys.includes(option)))];
    const correct = chosen.length === question.correct.length && question.correct.every((option) => chosen.includes(option));
    return { key: question.key, correct, chosen };
  });
  const score = results.filter((result) => result.correct).length;
  const share = questions.length === 0 ? 0 : score / questions.length;
  // A small epsilon: 7 of 10 is 0.7 exactly, but floating point must not make it 0.69999.
  return { score, total: questions.length, share, passed: share + 1e-9 >= PASS_MARK, questions: results };
}

/** Records an attempt at the check of the pinned version. */
export async function recordAttempt(progress: ProgressDocument, version: CourseVersionDocument, result: CheckResult): Promise<void> {
  await Progress.updateOne(
    { _id: progress._id, version: version.version },
    { $push: { attempts: { at: new Date(), score: Math.round(result.share * 100), passed: result.passed, answers: Object.fromEntries(result.questions.map((question) => [question.key, question.chosen])) } } },
  );
  await settleCompletion(progress._id, version);
}

/** Per lesson of the newer version: new, changed or unchanged against the pinned one. */
export function compareLessons(pinned: CourseVersionDocument, newer: CourseVersionDocument): Array<{ key: string; change: LessonChange }> {
  const before = new Map(pinned.lessons.map((lesson) => [lesson.key, lesson.contentHash]));
  return newer.lessons.map((lesson) => {
    const hash = before.get(lesson.key);
    return { key: lesson.key, change: hash === undefined ? 'new' : hash === lesson.contentHash ? 'unchanged' : 'changed' };
  });
}

/**
 * Moves a learner to the latest published version. Lessons whose content hash is the same
 * there stay done; the others (and check attempts, which were for other questions) are dropped.
 * The update is guarded by the version switched from, so a second click does nothing.
 */
export async function switchToLatest(userId: string, course: string): Promise<ProgressDocument> {
  const progress = await findProgress(userId, course);
  if (!progress) throw new NotFoundError('not started');
  const latest = await latestPublished(course);
  if (!latest || latest.version === progress.version) return progress;
  const hashes = new Map(latest.lessons.map((lesson) => [lesson.key, lesson.contentHash]));
  const kept = progress.lessons.filter((lesson) => hashes.get(lesson.key) === lesson.contentHash);
  await Progress.updateOne(
    { _id: progress._id, version: progress.version },
    { $set: { version: latest.version, lessons: kept, attempts: [] }, $unset: { completedAt: 1 } },
  );
  return (await findProgress(userId, course))!;
}
