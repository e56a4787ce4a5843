/**
 * The modules as learners read them — every course and its published and archived versions —
 * kept in memory (cache/shared-cache.ts): they change only when an author publishes or the
 * module files are imported, and are read by the catalogue, every module and lesson page, the
 * session forms and lists. Drafts are not kept: only their authors read them, from the database.
 *
 * Published and archived versions never change once written, so sharing the same objects
 * between requests is safe.
 */
import { sharedCache } from '../cache/shared-cache';
import mongoose from 'mongoose';
import { Course, type CourseDocument, CourseVersion, type CourseVersionDocument } from './model';


interface PublishedModules {
  /** In the catalogue's order. */
  courses: CourseDocument[];
  byId: Map<string, CourseDocument>;
  /** Per course, its published and archived versions, newest first. */
  versions: Map<string, CourseVersionDocument[]>;
}

const modules = sharedCache<PublishedModules>('courses', async () => {
  const [courses, versions] = await Promise.all([
    Course.find().sort({ order: 1, _id: 1 }).lean<CourseDocument[]>(),
    CourseVersion.find({ status: mongoose.trusted({ $in: ['published', 'archived'] }) })
      .sort({ versionKey: -1 })
      .lean<CourseVersionDocument[]>(),
  ]);
  const byCourse = new Map<string, CourseVersionDocument[]>();
  for (const version of versions) byCourse.set(version.course, [...(byCourse.get(version.course) ?? []), version]);
  return { courses, byId: new Map(courses.map((course) => [course._id, course])), versions: byCourse };
});

/** Every course, in the catalogue's order. */
export async function allCourses(): Promise<readonly CourseDocument[]> {
  return (await modules.get()).courses;
}

export async function courseById(slug: string): Promise<CourseDocument | undefined> {
  return (await modules.get()).byId.get(slug);
}

/** The newest published version of a course, or null when none is published. */
export async function latestPublished(slug: string): Promise<CourseVersionDocument | null> {
  return (await modules.get()).versions.get(slug)?.find((version) => version.status === 'published') ?? null;
}

/** A version a learner may read: published, or archived (those pinned to it finish there). */
export async function readableVersion(slug: string, version: string): Promise<CourseVersionDocument | null> {
  return (await modules.get()).versions.get(slug)?.find((candidate) => candidate.version === version) ?? null;
}

/** Published and archived versions of every course, newest first. */
export async function publishedVersions(): Promise<readonly CourseVersionDocument[]> {
  return [...(await modules.get()).versions.values()].flat().sort((a, b) => (a.versionKey < b.versionKey ? 1 : a.versionKey > b.versionKey ? -1 : 0));
}

/** Course titles in `lang` (else English, else the slug), for lists that name modules. */
export async function courseTitles(lang: string): Promise<Map<string, string>> {
  return new Map((await allCourses()).map((course) => [course._id, (course.title as Record<string, string>)[lang] ?? course.title.en ?? course._id]));
}
