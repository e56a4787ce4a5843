/**
 * Resources on the web: the download (anyone who may read the version), and the authoring
 * page's upload and remove forms, which answer with a redirect carrying the outcome
 * (`?resource=<outcome>#resources`, messages in `resources:outcome.*`).
 *
 * CSRF: the global csrfProtection (src/http/csrf.ts) runs before these routes. A multipart
 * body is not parsed by then, so the upload form sends its token in the action URL
 * (`?_csrf=`), which csrf.ts accepts for multipart requests only: a forged upload is refused
 * before Multer reads a byte of it.
 */
import { pipeline } from 'node:stream/promises';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { AppError, ForbiddenError, NotFoundError } from '../../http/errors';
import { canAuthor } from '../draft-guard';
import { contentDisposition } from './names';
import { attachResource, readableVersion, RESOURCE_ID, removeResource } from './service';
import { deleteResourceFile, resourceBucket, ResourceTooLargeError, ResourceTypeError } from './storage';
import { receiveResource, revisionFrom } from './upload';

export const OUTCOMES = ['uploaded', 'removed', 'too-large', 'type', 'stale-revision', 'missing-file', 'immutable'] as const;
export type ResourceOutcome = (typeof OUTCOMES)[number];

const param = (req: Request, name: string) => String(req.params[name]);

function authoringUrl(req: Request): string {
  return `/authoring/${encodeURIComponent(param(req, 'slug'))}/versions/${encodeURIComponent(param(req, 'version'))}`;
}

/** Signed out: sign in and come back to the authoring page; signed in but no author: 403. */
const authorPage: RequestHandler = (req, res, next) => {
  if (!req.user) return res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(authoringUrl(req))}`);
  next(canAuthor(req.user) ? undefined : new ForbiddenError('only trainers, coordinators and administrators write course content'));
};

/** The outcome a refusal is shown as; anything else goes on to the error page. */
function outcomeOf(error: unknown): ResourceOutcome | undefined {
  if (error instanceof ResourceTooLargeError) return 'too-large';
  if (error instanceof ResourceTypeError) return 'type';
  if (error instanceof AppError && (error.code === 'stale-revision' || error.code === 'immutable')) return error.code;
  return undefined;
}

function back(req: Request, res: Response, outcome: ResourceOutcome) {
  res.redirect(303, `${authoringUrl(req)}?resource=${outcome}#resources`);
}

async function download(req: Request, res: Response) {
  const id = param(req, 'id');
  if (!RESOURCE_ID.test(id)) throw new NotFoundError();
  const version = await readableVersion(req.user, param(req, 'slug'), param(req, 'version'));
  const resource = (version.resources ?? []).find((candidate) => String(candidate.fileId) === id);
  if (!resource) throw new NotFoundError();
  const bucket = resourceBucket();
  const [file] = await bucket.find({ _id: resource.fileId }).limit(1).toArray();
  if (!file) throw new NotFoundError();
  res.status(200);
  res.setHeader('Content-Type', resource.contentType);
  res.setHeader('Content-Length', String(file.length));
  res.setHeader('Content-Disposition', contentDisposition(resource.name));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // A draft's files are for its authors only; a published version's never change.
  res.setHeader('Cache-Control', version.status === 'draft' ? 'private, no-store' : 'public, max-age=3600');
  if (req.method === 'HEAD') return res.end();
  await pipeline(bucket.openDownloadStream(resource.fileId), res);
}

export function resourcePages(): Router {
  const router = Router();

  router.get('/modules/:slug/versions/:version/resources/:id/:name', download);

  router.post('/authoring/:slug/versions/:version/resources', authorPage, async (req, res) => {
    let stored;
    try {
      stored = await receiveResource(req, res);
    } catch (error) {
      const outcome = outcomeOf(error);
      if (outcome) return back(req, res, outcome);
      throw error;
    }
    if (!stored) return back(req, res, 'missing-file');
    try {
      const revision = revisionFrom((req.body as Record<string, unknown> | undefined)?.revision);
      await attachResource(req.user, param(req, 'slug'), param(req, 'version'), revision, stored);
    } catch (error) {
      // attachResource deleted the file on its own refusals; this covers a bad revision field.
      await deleteResourceFile(stored.fileId).catch(() => undefined);
      const outcome = outcomeOf(error);
      if (outcome) return back(req, res, outcome);
      throw error;
    }
    back(req, res, 'uploaded');
  });

  router.post('/authoring/:slug/versions/:version/resources/:id/remove', authorPage, async (req, res) => {
    try {
      const revision = revisionFrom((req.body as Record<string, unknown> | undefined)?.revision);
      await removeResource(req.user, param(req, 'slug'), param(req, 'version'), param(req, 'id'), revision);
    } catch (error) {
      const outcome = outcomeOf(error);
      if (outcome) return back(req, res, outcome);
      throw error;
    }
    back(req, res, 'removed');
  });

  return router;
}
