/**
 * Resources of imported versions: the files of `modules/<slug>/<version>/resources/` go into
 * GridFS with the checks of an upload. A file already stored with the same SHA-256 (another
 * version's copy, or an earlier import) is reused, not stored twice.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileProblem } from '../files/yaml';
import type { ResourceDocument } from '../model';
import { ALLOWED_EXTENSIONS, detectResourceType, SNIFF_BYTES } from './file-types';
import { sanitiseFileName } from './names';
import { deleteIfUnreferenced } from './service';
import { BUCKET, MAX_RESOURCE_BYTES, storeBuffer } from './storage';
import mongoose from 'mongoose';

/** The resource files among a version's files (paths relative to the modules folder). */
export function resourcePaths(slug: string, version: string, files: Record<string, string>): string[] {
  const prefix = `${slug}/${version}/resources/`;
  return Object.keys(files)
    .filter((file) => file.startsWith(prefix))
    .sort();
}

interface StoredFileDocument {
  _id: mongoose.Types.ObjectId;
  length: number;
  filename: string;
  metadata?: { sha256?: string; contentType?: string };
}

/**
 * Stores the version's resources (or finds them stored). Any file of a refused type or size
 * fails the whole version, naming the file; files stored for it by this call are then removed.
 */
export async function importVersionResources(
  root: string,
  slug: string,
  version: string,
  files: Record<string, string>,
): Promise<{ resources: ResourceDocument[]; created: mongoose.Types.ObjectId[] } | { problems: FileProblem[] }> {
  const problems: FileProblem[] = [];
  const checked: Array<{ file: string; buffer: Buffer; type: NonNullable<Awaited<ReturnType<typeof detectResourceType>>> }> = [];
  for (const file of resourcePaths(slug, version, files)) {
    const buffer = await readFile(path.join(root, file));
    if (buffer.length > MAX_RESOURCE_BYTES) {
      problems.push({ file, message: `over ${MAX_RESOURCE_BYTES / (1024 * 1024)} MB` });
      continue;
    }
    const type = await detectResourceType(buffer.subarray(0, SNIFF_BYTES), file);
    if (!type) problems.push({ file, message: `not an accepted kind of resource (${ALLOWED_EXTENSIONS}), judged by its content` });
    else checked.push({ file, buffer, type });
  }
  if (problems.length > 0) return { problems };

  const resources: ResourceDocument[] = [];
  const created: mongoose.Types.ObjectId[] = [];
  const filesCollection = mongoose.connection.db!.collection<StoredFileDocument>(`${BUCKET}.files`);
  for (const { file, buffer, type } of checked) {
    const sha256 = createHash('sha256').update(buffer).digest('hex');
    const existing = await filesCollection.findOne({ 'metadata.sha256': sha256, length: buffer.length });
    if (existing) {
      resources.push({ fileId: existing._id, name: sanitiseFileName(path.basename(file), type.ext), contentType: existing.metadata?.contentType ?? type.mime, size: existing.length, sha256, uploadedAt: new Date() });
      continue;
    }
    const stored = await storeBuffer(buffer, path.basename(file), type, { importedFrom: file });
    created.push(stored.fileId);
    resources.push({ ...stored, uploadedAt: new Date() });
  }
  return { resources, created };
}

/** After a failed version insert: the files this import stored and nobody names go again. */
export async function forgetImportedFiles(created: mongoose.Types.ObjectId[]): Promise<void> {
  for (const fileId of created) await deleteIfUnreferenced(fileId).catch(() => undefined);
}


