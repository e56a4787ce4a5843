/**
 * The multipart upload of one resource: Multer with the GridFS engine and tight limits. Every
 * way the request can be wrong ends as a typed error (400, 413, 415), never a 500; a failure
 * of the database stays a server error.
 */
import type { Request, Response } from 'express';
import multer from 'multer';
import { AppError, BadRequestError, ValidationError } from '../../http/errors';
import { toAppError } from '../../http/to-app-error';
import { gridFsStorage, MAX_RESOURCE_BYTES, ResourceTooLargeError, StorageFailure, type StoredFile } from './storage';

export const FILE_FIELD = 'file';

const receive = multer({
  storage: gridFsStorage(),
  // Browsers send names in UTF-8; busboy would read them as Latin-1.
  defParamCharset: 'utf8',
  limits: { fileSize: MAX_RESOURCE_BYTES, files: 1, fields: 5, fieldSize: 1024, fieldNameSize: 50, parts: 6, headerPairs: 20 },
}).single(FILE_FIELD);

function uploadError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') return new ResourceTooLargeError();
    return new ValidationError([{ path: error.field ?? FILE_FIELD, key: `resources:errors.${error.code === 'LIMIT_FILE_COUNT' || error.code === 'LIMIT_UNEXPECTED_FILE' ? 'one-file' : 'malformed'}` }], error.message);
  }
  // The database failed while storing: a server-side problem (503 when it is down).
  if (error instanceof StorageFailure) return toAppError(error.failure);
  // Anything else comes from reading the multipart body (busboy): a malformed request.
  return new BadRequestError(error instanceof Error ? error.message : 'malformed multipart body', 'malformed-multipart');
}

/** Receives the upload; resolves with the stored file (undefined when none was sent). */
export function receiveResource(req: Request, res: Response): Promise<StoredFile | undefined> {
  if (!req.is('multipart/form-data')) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    receive(req, res, (error?: unknown) => {
      if (error) reject(uploadError(error));
      else resolve(req.file as StoredFile | undefined);
    });
  });
}

/** The `revision` field of a form or query: a whole number, else 400. */
export function revisionFrom(value: unknown): number {
  const text = Array.isArray(value) ? undefined : value;
  if (typeof text === 'string' && /^\d{1,9}$/.test(text.trim())) return Number(text.trim());
  if (typeof text === 'number' && Number.isInteger(text) && text >= 0) return text;
  throw new ValidationError([{ path: 'revision', key: text === undefined ? 'errors:field.required' : 'errors:field.invalid' }]);
}
