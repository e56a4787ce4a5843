/**
 * `/api/v1/courses/:slug/versions/:version/resources`: uploading a resource to a draft
 * (multipart: `file`, `revision`) and removing one. Authors only, refused before the body is
 * read; the draft's revision guard applies as for every other edit.
 */
import { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { requireSignedIn } from '../../accounts/bearer';
import { ForbiddenError, ValidationError } from '../../http/errors';
import { parseInput } from '../../http/validate';
import { canAuthor, findDraft } from '../draft-guard';
import { attachResource, removeResource, serialiseResource } from './service';
import { deleteResourceFile } from './storage';
import { FILE_FIELD, receiveResource, revisionFrom } from './upload';

/** The multipart fields besides `file` (documented in the OpenAPI description). */
export const resourceUploadSchema = z.strictObject({
  revision: z.string().regex(/^\d{1,9}$/).meta({ description: 'The draft’s revision when you read it.' }),
  file: z.string().meta({ format: 'binary', description: 'The file: PDF, DOCX/XLSX/PPTX, DOC/XLS/PPT, ODT/ODS/ODP, PNG, JPEG or MP4; at most 25 MB.' }),
});
export const resourceRemovalQuery = z.strictObject({ revision: z.string().regex(/^\d{1,9}$/) });

const param = (req: Request, name: string) => String(req.params[name]);

const requireAuthor: RequestHandler = (req, _res, next) => {
  next(canAuthor(req.user) ? undefined : new ForbiddenError('only trainers, coordinators and administrators write course content'));
};

/** 404 / 409 before the body is read: nothing is uploaded for a version that cannot take it. */
const requireDraft: RequestHandler = async (req, _res, next) => {
  await findDraft(param(req, 'slug'), param(req, 'version'));
  next();
};

export function resourcesApi(): Router {
  const router = Router();

  router.post('/courses/:slug/versions/:version/resources', requireSignedIn, requireAuthor, requireDraft, async (req, res) => {
    const stored = await receiveResource(req, res);
    if (!stored) throw new ValidationError([{ path: FILE_FIELD, key: 'resources:errors.missing-file' }]);
    let revision: number;
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const unknown = Object.keys(body).filter((key) => key !== 'revision');
      if (unknown.length > 0) throw new ValidationError([{ path: '', key: 'errors:field.unknown', values: { fields: unknown.join(', ') } }]);
      revision = revisionFrom(body.revision);
    } catch (error) {
      await deleteResourceFile(stored.fileId).catch(() => undefined);
      throw error;
    }
    const { draft, resource } = await attachResource(req.user, param(req, 'slug'), param(req, 'version'), revision, stored);
    res.status(201).json({ resource: serialiseResource(draft, resource), revision: draft.revision });
  });

  router.delete('/courses/:slug/versions/:version/resources/:id', requireSignedIn, requireAuthor, async (req, res) => {
    const query = parseInput(req, resourceRemovalQuery, req.query);
    const draft = await removeResource(req.user, param(req, 'slug'), param(req, 'version'), param(req, 'id'), Number(query.revision));
    res.json({ revision: draft.revision });
  });

  return router;
}
