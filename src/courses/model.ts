import mongoose, { Schema } from 'mongoose';
import { invalidatesCache } from '../cache/shared-cache';
import type { Language } from '../i18n/languages';

export const VERSION_STATUSES = ['draft', 'published', 'archived'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

type PerLanguage<Value> = Partial<Record<Language, Value>>;

/** One training module; its content lives in its versions. */
export interface CourseDocument {
  _id: string;
  order: number;
  title: PerLanguage<string>;
  summary: PerLanguage<string>;
  objectives: PerLanguage<string[]>;
  audience: PerLanguage<string[]>;
  updatedAt: Date;
}

export interface LessonDocument {
  key: string;
  minutes: number;
  /** Equal hashes in two versions: the lesson did not change, so its completion carries over. */
  contentHash: string;
  content: PerLanguage<{ title: string; body: string }>;
}

export interface QuestionDocument {
  key: string;
  optionKeys: string[];
  correct: string[];
  text: PerLanguage<{ prompt: string; options: Record<string, string>; feedback: string }>;
}

/** A downloadable file of a version, stored in GridFS (bucket `resources`). */
export interface ResourceDocument {
  /** The GridFS file id; versions copied from one another share the file. */
  fileId: mongoose.Types.ObjectId;
  /** The sanitised file name shown and used for the download. */
  name: string;
  /** The type found from the file's bytes, never the one the uploader claimed. */
  contentType: string;
  size: number;
  sha256: string;
  uploadedAt: Date;
}

export interface CourseVersionDocument {
  _id: mongoose.Types.ObjectId;
  course: string;
  version: string;
  /** The version padded so that sorting text sorts versions (1.10.0 after 1.9.0). */
  versionKey: string;
  status: VersionStatus;
  publishedAt?: Date;
  changelog: PerLanguage<string>;
  lessons: LessonDocument[];
  questions: QuestionDocument[];
  resources: ResourceDocument[];
  /** Where it came from: the module files (with each file's hash), or the web editor. */
  source: 'files' | 'web';
  files: Array<{ path: string; hash: string }>;
  /** Bumped by every edit of a draft: an editor saving an older revision gets a conflict. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

const courseSchema = new Schema<CourseDocument>(
  {
    _id: { type: String },
    order: { type: Number, required: true },
    title: { type: Schema.Types.Mixed, required: true },
    summary: { type: Schema.Types.Mixed, required: true },
    objectives: { type: Schema.Types.Mixed, required: true },
    audience: { type: Schema.Types.Mixed, required: true },
  },
  { timestamps: { createdAt: false, updatedAt: true }, versionKey: false, minimize: false },
);

const courseVersionSchema = new Schema<CourseVersionDocument>(
  {
    course: { type: String, required: true },
    version: { type: String, required: true },
    versionKey: { type: String, required: true },
    status: { type: String, enum: VERSION_STATUSES, required: true },
    publishedAt: { type: Date },
    changelog: { type: Schema.Types.Mixed, default: {} },
    lessons: { type: Schema.Types.Mixed, default: [] },
    questions: { type: Schema.Types.Mixed, default: [] },
    resources: { type: Schema.Types.Mixed, default: [] },
    source: { type: String, enum: ['files', 'web'], required: true },
    files: { type: [{ _id: false, path: String, hash: String }], default: [] },
    revision: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
courseVersionSchema.index({ course: 1, version: 1 }, { unique: true });
courseVersionSchema.index({ course: 1, versionKey: -1 });
// Learners' pages read courses and their versions from memory (published.ts): any write drops that copy.
invalidatesCache(courseSchema, 'courses');
invalidatesCache(courseVersionSchema, 'courses');

export const Course = mongoose.model<CourseDocument>('Course', courseSchema, 'courses');
export const CourseVersion = mongoose.model<CourseVersionDocument>('CourseVersion', courseVersionSchema, 'course_versions');

/** "1.10.2" → "000001.000010.000002". */
export function versionKeyOf(version: string): string {
  return version
    .split('.')
    .map((part) => part.padStart(6, '0'))
    .join('.');
}
