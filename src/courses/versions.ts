/**
 * The versioning rules of courses (issue 4): drafts are copied from the latest published
 * version, edited under a revision guard, and published once newer and complete in English.
 * Published and archived versions never change: learners are pinned to them.
 *
 * No transactions (database.md): every write is one guarded single-document update.
 */
import mongoose from 'mongoose';
import type { SessionUser } from '../accounts/session-user';
import { ConflictError, NotFoundError } from '../http/errors';
import { FALLBACK_LANGUAGE, type Language, SUPPORTED_LANGUAGES } from '../i18n/languages';
import { assertAuthor, canAuthor, findCourse, findDraft, SEMVER, saveDraft } from './draft-guard';
import { normaliseText } from './drafts';
import { CourseVersion, type CourseVersionDocument, type QuestionDocument, versionKeyOf } from './model';
import { allCourses, latestPublished, publishedVersions } from './published';
import { isDuplicateKey } from '../db/duplicate-key';

export { canAuthor, SEMVER } from './draft-guard';
export const LATEST = 'latest';
/** A check of fewer questions says too little about what was learnt (programme: at least 5). */
export const MIN_QUESTIONS = 5;

type VersionLean = CourseVersionDocument;

/** A localised field: the language asked for, else English, else empty. */
function pick<Value>(values: Partial<Record<Language, Value>> | undefined, lang: Language): Value | undefined {
  return values?.[lang] ?? values?.[FALLBACK_LANGUAGE];
}

const filled = (text: string | undefined) => typeof text === 'string' && text.trim() !== '';

function questionComplete(question: QuestionDocument, lang: Language): boolean {
  const text = question.text[lang];
  return Boolean(text && filled(text.prompt) && question.optionKeys.every((key) => filled(text.options?.[key])));
}

/**
 * Per language, the share of units present: each lesson (title and body), each question
 * (prompt and every option) and the changelog when the English one exists.
 */
export function completenessOf(version: Pick<VersionLean, 'lessons' | 'questions' | 'changelog'>): Record<Language, number> {
  const withChangelog = filled(version.changelog?.[FALLBACK_LANGUAGE]);
  const units = version.lessons.length + version.questions.length + (withChangelog ? 1 : 0);
  const result = {} as Record<Language, number>;
  for (const lang of SUPPORTED_LANGUAGES) {
    const present =
      version.lessons.filter((lesson) => filled(lesson.content[lang]?.title) && filled(lesson.content[lang]?.body)).length +
      version.questions.filter((question) => questionComplete(question, lang)).length +
      (withChangelog && filled(version.changelog[lang]) ? 1 : 0);
    result[lang] = units === 0 ? 0 : Math.round((present / units) * 1000) / 1000;
  }
  return result;
}

/** Per language, which lessons and questions have their text, and whether the changelog does. */
export function translationStatusOf(version: Pick<VersionLean, 'lessons' | 'questions' | 'changelog'>) {
  const completeness = completenessOf(version);
  return SUPPORTED_LANGUAGES.map((lang) => ({
    lang,
    share: completeness[lang],
    lessons: version.lessons.map((lesson) => ({ key: lesson.key, present: filled(lesson.content[lang]?.title) && filled(lesson.content[lang]?.body) })),
    questions: version.questions.map((question) => ({ key: question.key, present: questionComplete(question, lang) })),
    changelog: filled(version.changelog?.[lang]),
  }));
}

/** What still lacks English text; publishing needs it all. */
export function missingEnglish(version: Pick<VersionLean, 'lessons' | 'questions' | 'changelog'>): string[] {
  const missing: string[] = [];
  if (version.lessons.length === 0) missing.push('lessons');
  for (const lesson of version.lessons) {
    if (!filled(lesson.content.en?.title) || !filled(lesson.content.en?.body)) missing.push(`lessons.${lesson.key}`);
  }
  if (version.questions.length < MIN_QUESTIONS) missing.push('questions');
  for (const question of version.questions) if (!questionComplete(question, 'en')) missing.push(`questions.${question.key}`);
  if (!filled(version.changelog?.en)) missing.push('changelog');
  return missing;
}

/** 1.1.0 → 1.2.0. */
export function nextMinor(version: string): string {
  const [major, minor] = version.split('.').map(Number);
  return `${major}.${(minor ?? 0) + 1}.0`;
}

/**
 * The newest published version as stored now, for the writes that build on it (a new draft,
 * publishing, archiving); pages read it from memory (published.ts).
 */
async function storedLatestPublished(slug: string): Promise<VersionLean | null> {
  return CourseVersion.findOne({ course: slug, status: 'published' }).sort({ versionKey: -1 }).lean();
}

const draftExists = () =>
  new ConflictError('this course already has a draft: edit or publish it first', 'draft-exists', [{ path: '', key: 'courses:errors.draft-exists' }]);

// ---------------------------------------------------------------------------------------------
// Reading.

export interface CourseSummary {
  slug: string;
  title: string;
  summary: string;
  order: number;
  latestVersion: string | null;
  versions: Array<{ version: string; status: CourseVersionDocument['status']; publishedAt: Date | null }>;
  /** Languages in which the latest published version is complete. */
  languages: Language[];
}

/** The catalogue: every course, its versions newest first (drafts only for authors). */
export async function listCourses(user: SessionUser | undefined, lang: Language): Promise<CourseSummary[]> {
  const courses = await allCourses();
  // Drafts, for authors only, from the database; the rest from memory (published.ts).
  const drafts: VersionLean[] = canAuthor(user) ? await CourseVersion.find({ status: 'draft' }).lean() : [];
  const versions = [...drafts, ...(await publishedVersions())].sort((a, b) => (a.versionKey < b.versionKey ? 1 : a.versionKey > b.versionKey ? -1 : 0));
  return courses.map((course) => {
    const own = versions.filter((version) => version.course === course._id);
    const latest = own.find((version) => version.status === 'published');
    const completeness = latest ? completenessOf(latest) : undefined;
    return {
      slug: course._id,
      title: pick(course.title, lang) ?? course._id,
      summary: pick(course.summary, lang) ?? '',
      order: course.order,
      latestVersion: latest?.version ?? null,
      versions: own.map((version) => ({ version: version.version, status: version.status, publishedAt: version.publishedAt ?? null })),
      languages: completeness ? SUPPORTED_LANGUAGES.filter((code) => completeness[code] === 1) : [],
    };
  });
}

/** One version: `latest` is the latest published. Drafts are visible to authors only. */
export async function getVersion(user: SessionUser | undefined, slug: string, version: string): Promise<VersionLean> {
  await findCourse(slug);
  let found: VersionLean | null = null;
  if (version === LATEST) found = await latestPublished(slug);
  else if (SEMVER.test(version)) found = await CourseVersion.findOne({ course: slug, version }).lean();
  if (!found || (found.status === 'draft' && !canAuthor(user))) throw new NotFoundError('no such version');
  return found;
}

// ---------------------------------------------------------------------------------------------
// Writing.

/**
 * A new draft, a copy of the latest published version with the next minor number. At most one
 * draft per course: the unique (course, version) index makes two simultaneous starts collide
 * on the same number, and a check after the insert catches anything else.
 */
export async function startDraft(user: SessionUser | undefined, slug: string): Promise<VersionLean> {
  assertAuthor(user);
  await findCourse(slug);
  if (await CourseVersion.exists({ course: slug, status: 'draft' })) throw draftExists();
  const base = await storedLatestPublished(slug);
  if (!base) throw new ConflictError('this course has no published version to start from', 'nothing-published', [{ path: '', key: 'courses:errors.nothing-published' }]);
  // Numbered after every version ever released (an archived one may be higher than the latest published).
  const highest = await CourseVersion.findOne({ course: slug, status: mongoose.trusted({ $ne: 'draft' }) }).sort({ versionKey: -1 }).lean();
  const version = nextMinor(highest?.version ?? base.version);
  let draft;
  try {
    draft = await CourseVersion.create({
      course: slug,
      version,
      versionKey: versionKeyOf(version),
      status: 'draft',
      changelog: {},
      lessons: base.lessons,
      questions: base.questions,
      // The files are shared, not copied: a resource stays in GridFS while a version names it.
      resources: base.resources ?? [],
      source: 'web',
      files: [],
      revision: 0,
    });
  } catch (error) {
    if (isDuplicateKey(error)) throw draftExists();
    throw error;
  }
  const drafts = await CourseVersion.find({ course: slug, status: 'draft' }).sort({ _id: 1 }).lean();
  if (drafts.length > 1 && String(drafts[0]!._id) !== String(draft._id)) {
    await CourseVersion.deleteOne({ _id: draft._id, status: 'draft', revision: 0 });
    throw draftExists();
  }
  return draft.toObject();
}

export interface PublishInput {
  /** The changelog: English text, or per language. */
  changelog?: string | Partial<Record<Language, string>> | undefined;
}

/** Publishes a draft: it must be newer than the latest published version and complete in English. */
export async function publish(user: SessionUser | undefined, slug: string, version: string, input: PublishInput = {}): Promise<VersionLean> {
  assertAuthor(user);
  const draft = await findDraft(slug, version);
  const latest = await storedLatestPublished(slug);
  if (latest && latest.versionKey >= draft.versionKey) {
    throw new ConflictError(`version ${draft.version} is not newer than the published ${latest.version}`, 'not-newer', [{ path: 'version', key: 'courses:errors.not-newer' }]);
  }
  const given = Object.fromEntries(
    Object.entries(typeof input.changelog === 'string' ? { en: input.changelog } : (input.changelog ?? {})).map(([lang, text]) => [lang, normaliseText(text ?? '')]),
  );
  const changelog = { ...draft.changelog, ...given };
  const missing = missingEnglish({ ...draft, changelog });
  if (missing.length > 0) {
    throw new ConflictError(
      `the English content is incomplete: ${missing.join(', ')}`,
      'english-incomplete',
      missing.map((path) => ({ path, key: 'courses:errors.missing-english' })),
    );
  }
  // Publishing moves the draft past its revision too: an edit racing it loses, or wins and this loses.
  return saveDraft(draft, { status: 'published', publishedAt: new Date(), changelog });
}

/** Retires a published version; it stays readable for learners pinned to it. */
export async function archive(user: SessionUser | undefined, slug: string, version: string): Promise<VersionLean> {
  assertAuthor(user);
  await findCourse(slug);
  const found = SEMVER.test(version) ? await CourseVersion.findOne({ course: slug, version }).lean() : null;
  if (!found) throw new NotFoundError('no such version');
  if (found.status !== 'published') {
    throw new ConflictError('only a published version can be archived', 'not-published', [{ path: 'version', key: 'courses:errors.not-published' }]);
  }
  // The catalogue and new learners need a current version: retire one only once a newer one is out.
  const latest = await storedLatestPublished(slug);
  if (latest && String(latest._id) === String(found._id)) {
    throw new ConflictError('the latest published version cannot be archived; publish a newer one first', 'latest-published', [
      { path: 'version', key: 'courses:errors.latest-published' },
    ]);
  }
  const archived = await CourseVersion.findOneAndUpdate({ _id: found._id, status: 'published' }, { $set: { status: 'archived' } }, { returnDocument: 'after' }).lean();
  if (!archived) throw new ConflictError('only a published version can be archived', 'not-published', [{ path: 'version', key: 'courses:errors.not-published' }]);
  return archived;
}
