/**
 * The one way a draft changes: read it, compute the change, then write it only if nobody saved
 * the draft meanwhile. Every editing operation (drafts.ts, resources, publishing) goes through
 * `mutateDraft`, so none can silently overwrite another editor's work.
 *
 * No transactions (database.md): the write is one guarded single-document update, preceded by
 * a unique-index claim on the revision because the guard alone is not atomic on FerretDB
 * (revision-claim.ts).
 */
import { can } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import { Course, type CourseDocument, CourseVersion, type CourseVersionDocument } from './model';
import { claimRevision, forgetClaimsBefore } from './revision-claim';

export const SEMVER = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/;

export function canAuthor(user: SessionUser | undefined): boolean {
  return can(user, 'courses.author');
}

export function assertAuthor(user: SessionUser | undefined): void {
  if (!canAuthor(user)) throw new ForbiddenError('only trainers, coordinators and administrators write course content');
}

// The problem's `errors` carry the reason in the reader's language (locales/*/courses.json).
export const staleRevision = () =>
  new ConflictError('someone else saved this draft since you opened it: reload it, reapply your change and save again', 'stale-revision', [
    { path: 'revision', key: 'courses:errors.stale-revision' },
  ]);
export const immutable = (version: Pick<CourseVersionDocument, 'version' | 'status'>) =>
  new ConflictError(`version ${version.version} is ${version.status} and cannot change; start a new draft`, 'immutable', [{ path: 'version', key: 'courses:errors.immutable' }]);

export async function findCourse(slug: string): Promise<CourseDocument> {
  const course = typeof slug === 'string' ? await Course.findById(slug).lean() : null;
  if (!course) throw new NotFoundError('no such course');
  return course;
}

/** A draft of the course, or 404 (unknown) / 409 (published or archived: immutable). */
export async function findDraft(slug: string, version: string): Promise<CourseVersionDocument> {
  await findCourse(slug);
  const found = SEMVER.test(version) ? await CourseVersion.findOne({ course: slug, version }).lean() : null;
  if (!found) throw new NotFoundError('no such version');
  if (found.status !== 'draft') throw immutable(found);
  return found;
}

/** The fields of a draft an edit may replace. */
export type DraftChange = Partial<Pick<CourseVersionDocument, 'lessons' | 'questions' | 'changelog' | 'resources' | 'status' | 'publishedAt'>>;

/**
 * Writes `change` to the draft read at `draft.revision`, moving it to the next revision.
 * Throws 409 stale-revision when someone saved in between, 409 immutable when it was published.
 */
export async function saveDraft(draft: CourseVersionDocument, change: DraftChange): Promise<CourseVersionDocument> {
  const stillAt = async () => Boolean(await CourseVersion.exists({ _id: draft._id, revision: draft.revision }));
  if (!(await claimRevision(draft._id, draft.revision, stillAt))) throw staleRevision();
  const saved = await CourseVersion.findOneAndUpdate(
    { _id: draft._id, status: 'draft', revision: draft.revision },
    { $set: change, $inc: { revision: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!saved) {
    const now = await CourseVersion.findById(draft._id).lean();
    if (now && now.status !== 'draft') throw immutable(now);
    throw staleRevision();
  }
  await forgetClaimsBefore(draft._id, draft.revision);
  return saved;
}

/**
 * Reads the draft, checks the editor started from its current revision, applies `change`
 * (which may throw a validation error: nothing is written then) and saves it.
 */
export async function mutateDraft(
  user: SessionUser | undefined,
  slug: string,
  version: string,
  revision: number,
  change: (draft: CourseVersionDocument) => DraftChange | Promise<DraftChange>,
): Promise<CourseVersionDocument> {
  assertAuthor(user);
  const draft = await findDraft(slug, version);
  if (draft.revision !== revision) throw staleRevision();
  return saveDraft(draft, await change(draft));
}
