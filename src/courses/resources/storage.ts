/**
 * Resource files in GridFS (bucket `resources`), and the Multer storage engine that streams an
 * upload straight into it: nothing is written to disk, the SHA-256 and size are computed on
 * the way, and the first bytes decide whether the file is accepted at all (file-types.ts).
 * A refused or cut-off upload leaves nothing behind: chunks already written are deleted.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import mongoose from 'mongoose';
import type { StorageEngine } from 'multer';
import { AppError, BadRequestError } from '../../http/errors';
import { ALLOWED_EXTENSIONS, detectResourceType, type ResourceType, SNIFF_BYTES } from './file-types';
import { sanitiseFileName } from './names';

export const BUCKET = 'resources';
/** The largest resource (issue: 25 MB). */
export const MAX_RESOURCE_BYTES = 25 * 1024 * 1024;

export function resourceBucket(): mongoose.mongo.GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) throw new Error('no database connection');
  return new mongoose.mongo.GridFSBucket(db, { bucketName: BUCKET });
}

/** 415, naming what is accepted. */
export class ResourceTypeError extends AppError {
  constructor() {
    super(415, 'unsupported-resource-type', 'unsupported-media-type', 'only PDF, Office, OpenDocument, PNG, JPEG and MP4 files are accepted', [
      { path: 'file', key: 'resources:errors.type', values: { allowed: ALLOWED_EXTENSIONS } },
    ]);
  }
}

/** 413, naming the limit. */
export class ResourceTooLargeError extends AppError {
  constructor() {
    super(413, 'resource-too-large', 'payload-too-large', 'a resource is at most 25 MB', [
      { path: 'file', key: 'resources:errors.too-large', values: { limit: MAX_RESOURCE_BYTES / (1024 * 1024) } },
    ]);
  }
}

/** A failure of the database while storing: not the uploader's fault. */
export class StorageFailure extends Error {
  constructor(readonly failure: unknown) {
    super('storing the resource failed');
  }
}

/** What the engine adds to Multer's file. */
export interface StoredResource {
  fileId: mongoose.Types.ObjectId;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
}

export type StoredFile = Express.Multer.File & StoredResource;

/** Deletes a GridFS file; one already gone is fine. */
export async function deleteResourceFile(fileId: mongoose.Types.ObjectId): Promise<void> {
  try {
    await resourceBucket().delete(fileId);
  } catch (error) {
    if (!(error instanceof mongoose.mongo.MongoRuntimeError) || !/not found/i.test(error.message)) throw error;
  }
}

/** Stores a whole file already in memory (the importer), with the same checks as an upload. */
export async function storeBuffer(buffer: Buffer, originalName: string, type: ResourceType, metadata: Record<string, unknown> = {}): Promise<StoredResource> {
  const name = sanitiseFileName(originalName, type.ext);
  const sha256 = createHash('sha256').update(buffer).digest('hex');
  const upload = resourceBucket().openUploadStream(name, { metadata: { contentType: type.mime, sha256, ...metadata } });
  await new Promise<void>((resolve, reject) => {
    upload.once('error', reject);
    upload.end(buffer, () => resolve());
  });
  return { fileId: upload.id as mongoose.Types.ObjectId, name, contentType: type.mime, size: buffer.length, sha256 };
}

/**
 * Streams `file.stream` into GridFS: the first SNIFF_BYTES are held back until the type is
 * known, so a refused file writes nothing; an upload cut at the size limit (busboy truncates
 * the stream) is aborted, which deletes its chunks.
 */
function handleFile(req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<StoredFile>) => void): void {
  const stream = file.stream;
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let state: 'sniffing' | 'deciding' | 'writing' | 'done' = 'sniffing';
  let ended = false;
  let upload: mongoose.mongo.GridFSBucketWriteStream | undefined;
  let stored: { name: string; type: ResourceType } | undefined;

  const fail = (error: unknown) => {
    if (state === 'done') return;
    state = 'done';
    stream.resume();
    const settle = () => callback(error instanceof AppError || error instanceof StorageFailure ? error : new StorageFailure(error));
    if (upload) upload.abort().then(settle, settle);
    else settle();
  };

  const finish = () => {
    if (state !== 'writing' || !upload || !stored) return;
    if ((stream as unknown as { truncated?: boolean }).truncated || size > MAX_RESOURCE_BYTES) return fail(new ResourceTooLargeError());
    state = 'done';
    const writing = upload;
    const info = stored;
    writing.once('error', (error) => callback(new StorageFailure(error)));
    writing.end(() => {
      const sha256 = hash.digest('hex');
      const fileId = writing.id as mongoose.Types.ObjectId;
      // Known only now: recorded so that the importer can reuse the file (same bytes, same file).
      mongoose.connection
        .db!.collection(`${BUCKET}.files`)
        .updateOne({ _id: fileId }, { $set: { 'metadata.sha256': sha256 } })
        .catch(() => undefined)
        .finally(() => callback(null, { fileId, name: info.name, contentType: info.type.mime, size, sha256 }));
    });
  };

  const decide = async () => {
    state = 'deciding';
    stream.pause();
    const first = Buffer.concat(head);
    let type: ResourceType | undefined;
    try {
      type = await detectResourceType(first.subarray(0, SNIFF_BYTES), file.originalname);
    } catch (error) {
      return fail(error);
    }
    if (state !== 'deciding') return;
    if (!type) return fail(new ResourceTypeError());
    try {
      const name = sanitiseFileName(file.originalname, type.ext);
      stored = { name, type };
      upload = resourceBucket().openUploadStream(name, { metadata: { contentType: type.mime, originalName: file.originalname.slice(0, 500) } });
    } catch (error) {
      return fail(error);
    }
    upload.on('error', fail);
    upload.on('drain', () => {
      if (state === 'writing') stream.resume();
    });
    state = 'writing';
    // Everything held back so far, including what arrived while the type was being found.
    upload.write(Buffer.concat(head));
    head.length = 0;
    if (ended) finish();
    else stream.resume();
  };

  stream.on('data', (chunk: Buffer) => {
    if (state === 'done') return;
    hash.update(chunk);
    size += chunk.length;
    if (size > MAX_RESOURCE_BYTES) return fail(new ResourceTooLargeError());
    if (state === 'sniffing' || state === 'deciding') {
      head.push(chunk);
      headLength += chunk.length;
      if (state === 'sniffing' && headLength >= SNIFF_BYTES) void decide();
      return;
    }
    if (!upload!.write(chunk)) stream.pause();
  });
  stream.on('end', () => {
    ended = true;
    if (state === 'sniffing') void decide();
    else if (state === 'writing') finish();
  });
  stream.on('error', fail);
  // A client that goes away mid-upload: the file stream may never end, so stop and clean up here.
  req.once('close', () => {
    if (!req.complete && state !== 'done') fail(new BadRequestError('the upload was interrupted', 'upload-interrupted'));
  });
}

/** The Multer engine. `_removeFile` is what Multer calls on any file of a failed request. */
export function gridFsStorage(): StorageEngine {
  return {
    _handleFile: handleFile as StorageEngine['_handleFile'],
    _removeFile: (_req, file, callback) => {
      const fileId = (file as Partial<StoredFile>).fileId;
      if (!fileId) return callback(null);
      deleteResourceFile(fileId).then(
        () => callback(null),
        (error: unknown) => callback(error as Error),
      );
    },
  };
}
