import { Router } from 'express';
import { z } from 'zod';
import { requireSignedIn } from '../accounts/bearer';
import { can } from '../accounts/policy';
import { ForbiddenError, NotFoundError } from '../http/errors';
import { parseInput } from '../http/validate';
import { findProgress, markLessonDone, type ProgressDocument, startCourse } from './progress';
import { latestPublished, readableVersion } from './published';

export const progressMarkSchema = z.strictObject({ lessonKey: z.string().trim().min(1).max(100) });

/** `{version, completedLessons, completedAt?}` (api.md); `version` is null until the learner starts. */
function progressJson(progress: ProgressDocument | null, latestVersion: string) {
  return {
    version: progress?.version ?? null,
    latestVersion,
    completedLessons: progress?.lessons.map((lesson) => lesson.key) ?? [],
    ...(progress?.completedAt ? { completedAt: progress.completedAt.toISOString() } : {}),
  };
}

/** The caller's own progress in a module, over the API: the same rules as the lesson pages. */
export function progressApi(): Router {
  const router = Router();

  router.get('/courses/:slug/progress', requireSignedIn, async (req, res) => {
    if (!can(req.user, 'courses.learn')) throw new ForbiddenError();
    const latest = await latestPublished(String(req.params.slug));
    if (!latest) throw new NotFoundError('no such module');
    res.json(progressJson(await findProgress(req.user!.id, latest.course), latest.version));
  });

  router.post('/courses/:slug/progress', requireSignedIn, async (req, res) => {
    if (!can(req.user, 'courses.learn')) throw new ForbiddenError();
    const { lessonKey } = parseInput(req, progressMarkSchema, req.body ?? {});
    const latest = await latestPublished(String(req.params.slug));
    if (!latest) throw new NotFoundError('no such module');
    // Marking a lesson starts the module, pinned to the latest version, as the pages do; an
    // unknown lesson is refused before anything is started.
    const existing = await findProgress(req.user!.id, latest.course);
    const pinned = existing ? await readableVersion(latest.course, existing.version) : latest;
    if (!pinned?.lessons.some((lesson) => lesson.key === lessonKey)) throw new NotFoundError('no such lesson');
    await markLessonDone(existing ?? (await startCourse(req.user!.id, latest.course)), pinned, lessonKey);
    res.json(progressJson(await findProgress(req.user!.id, latest.course), latest.version));
  });

  return router;
}
