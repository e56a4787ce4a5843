import { Router } from 'express';
import { parseInput } from '../../http/validate';
import { readerLanguage } from '../../i18n/middleware';
import type { CourseVersionDocument } from '../model';
import { courseDiffQuery } from './schema';
import { diffVersions } from './service';

const side = (version: CourseVersionDocument) => ({
  version: version.version,
  status: version.status,
  publishedAt: version.publishedAt ? new Date(version.publishedAt).toISOString() : null,
});

/** `GET /api/v1/courses/:slug/diff?from=&to=&lang=`: what changed between two versions. */
export function courseDiffApi(): Router {
  const router = Router();
  router.get('/courses/:slug/diff', async (req, res) => {
    const query = parseInput(req, courseDiffQuery, req.query);
    const slug = String(req.params.slug);
    const diff = await diffVersions(req.user, slug, query.from, query.to, { lang: query.lang, labelLanguage: query.lang ?? readerLanguage(req) });
    res.json({ slug: diff.to.course, from: side(diff.from), to: side(diff.to), lang: query.lang ?? null, ...diff.comparison });
  });
  return router;
}
