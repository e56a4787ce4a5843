/**
 * Attaching resources to drafts and removing them, under the draft's revision guard. A file
 * uploaded for a change that is then refused (stale revision, published meanwhile, no such
 * draft) is deleted at once; a removed resource's file is deleted only when no version names
 * it any more, since a draft shares the files of the version it was copied from.
 */
import type mongoose from 'mongoose';
import type { SessionUser } from '../../accounts/session-user';
import { NotFoundError } from '../../http/errors';
import { canAuthor, findCourse, mutateDraft, SEMVER } from '../draft-guard';
import { CourseVersion, type CourseVersionDocument, type ResourceDocument } from '../model';
import { RESOURCE_MIME_LABELS } from './file-types';
import { deleteResourceFile, type StoredResource } from './storage';

export const RESOURCE_ID = /^[a-f0-9]{24}$/;

/** Where a resource is downloaded: `/modules/<slug>/versions/<version>/resources/<id>/<name>`. */
export function resourceUrl(version: Pick<CourseVersionDocument, 'course' | 'version'>, resource: Pick<ResourceDocument, 'fileId' | 'name'>): string {
  return `/modules/${encodeURIComponent(version.course)}/versions/${encodeURIComponent(version.version)}/resources/${String(resource.fileId)}/${encodeURIComponent(resource.name)}`;
}

/** A resource as the API shows it. */
export function serialiseResource(version: Pick<CourseVersionDocument, 'course' | 'version'>, resource: ResourceDocument) {
  return { id: String(resource.fileId), name: resource.name, contentType: resource.contentType, size: resource.size, url: resourceUrl(version, resource) };
}

/** The key of a resource's type label in `resources:types.*`. */
export function typeLabelKey(contentType: string): string {
  return `resources:types.${RESOURCE_MIME_LABELS[contentType] ?? 'other'}`;
}

export interface ResourceForPage {
  id: string;
  name: string;
  contentType: string;
  /** i18n key of the type, e.g. `resources:types.pdf` ("PDF document"). */
  typeLabelKey: string;
  size: number;
  url: string;
}

/** What the authoring and module pages list: translate `typeLabelKey`, format `size` with `formatSize`. */
export function resourcesForPage(version: Pick<CourseVersionDocument, 'course' | 'version' | 'resources'>): ResourceForPage[] {
  return (version.resources ?? []).map((resource) => ({
    id: String(resource.fileId),
    name: resource.name,
    contentType: resource.contentType,
    typeLabelKey: typeLabelKey(resource.contentType),
    size: resource.size,
    url: resourceUrl(version, resource),
  }));
}

/** "1.2 MB", "350 kB" in the reader's language (Intl), no strings to translate. */
export function formatSize(bytes: number, lang: string): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'megabyte'] : bytes >= 1024 ? [bytes / 1024, 'kilobyte'] : [bytes, 'byte'];
  return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

/**
 * Adds an uploaded file to the draft at `revision`. If the draft refuses the change for any
 * reason, the file is deleted before the refusal goes on: it was never named by a version.
 */
export async function attachResource(
  user: SessionUser | undefined,
  slug: string,
  version: string,
  revision: number,
  stored: StoredResource,
): Promise<{ draft: CourseVersionDocument; resource: ResourceDocument }> {
  const resource: ResourceDocument = { ...stored, uploadedAt: new Date() };
  try {
    const draft = await mutateDraft(user, slug, version, revision, (current) => ({ resources: [...(current.resources ?? []), resource] }));
    return { draft, resource };
  } catch (error) {
    await deleteResourceFile(stored.fileId).catch(() => undefined);
    throw error;
  }
}

/** Deletes the file unless a version (any status) still names it. */
export async function deleteIfUnreferenced(fileId: mongoose.Types.ObjectId): Promise<boolean> {
  if (await CourseVersion.exists({ 'resources.fileId': fileId })) return false;
  await deleteResourceFile(fileId);
  return true;
}

/** Removes a resource from the draft; its file goes only when no other version shares it. */
export async function removeResource(user: SessionUser | undefined, slug: string, version: string, id: string, revision: number): Promise<CourseVersionDocument> {
  let removed: ResourceDocument | undefined;
  const draft = await mutateDraft(user, slug, version, revision, (current) => {
    removed = RESOURCE_ID.test(id) ? (current.resources ?? []).find((resource) => String(resource.fileId) === id) : undefined;
    if (!removed) throw new NotFoundError('no such resource in this version');
    return { resources: current.resources.filter((resource) => resource !== removed) };
  });
  if (removed) await deleteIfUnreferenced(removed.fileId);
  return draft;
}

/** A version someone may download from: published and archived for anyone, drafts for authors. */
export async function readableVersion(user: SessionUser | undefined, slug: string, version: string): Promise<CourseVersionDocument> {
  await findCourse(slug);
  const found = SEMVER.test(version) ? await CourseVersion.findOne({ course: slug, version }).lean() : null;
  if (!found || (found.status === 'draft' && !canAuthor(user))) throw new NotFoundError('no such version');
  return found;
}
