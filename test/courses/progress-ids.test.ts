/**
 * Progress is kept under an id derived from the learner and the course, so a lesson page finds
 * it by key (FerretDB scans the whole collection for any other query). Progress stored before,
 * under an ObjectId, is moved on start and nothing of it is lost.
 */
import mongoose from 'mongoose';
import { importModules } from '../../src/courses/import';
import { findProgress, migrateProgressIds, Progress, progressId, startCourse } from '../../src/courses/progress';
import { useTestDatabase } from '../support/database';

useTestDatabase(__filename);

beforeAll(async () => {
  await importModules();
  // As installations made before derived ids have it.
  await Progress.collection.createIndex({ user: 1, course: 1 }, { unique: true });
});

it('moves progress stored under an ObjectId to its derived id, keeping the lessons done, once', async () => {
  const learner = new mongoose.Types.ObjectId();
  const at = new Date('2026-05-04T10:00:00Z');
  await Progress.collection.insertOne({
    _id: new mongoose.Types.ObjectId(),
    user: learner,
    course: 'awareness',
    version: '1.0.0',
    lessons: [{ key: 'what-is-radicalisation', contentHash: 'abc', at }],
    attempts: [],
    createdAt: at,
    updatedAt: at,
  } as never);
  expect(await findProgress(String(learner), 'awareness')).toBeNull();

  expect(await migrateProgressIds()).toBe(1);
  const moved = await findProgress(String(learner), 'awareness');
  expect(moved).toMatchObject({ _id: progressId(learner, 'awareness'), version: '1.0.0', lessons: [{ key: 'what-is-radicalisation', contentHash: 'abc', at }] });
  expect(await Progress.countDocuments({ user: learner })).toBe(1);
  expect(await migrateProgressIds()).toBe(0);
});

it('starts a course under the derived id, and a second start finds the first', async () => {
  const learner = String(new mongoose.Types.ObjectId());
  const first = await startCourse(learner, 'schools');
  const again = await startCourse(learner, 'schools');
  expect(first._id).toBe(`${learner}:schools`);
  expect(again._id).toBe(first._id);
});
