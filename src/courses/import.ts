import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { PROJECT_ROOT } from '../version';
import { readModules, type VersionSource } from './files/read';
import type { FileProblem } from './files/yaml';
import { Course, CourseVersion, versionKeyOf } from './model';
import { forgetImportedFiles, importVersionResources } from './resources/import';
import { isDuplicateKey } from '../db/duplicate-key';

export const MODULES_DIR = path.join(PROJECT_ROOT, 'modules');

export interface ImportReport {
  courses: { added: number; updated: number; unchanged: number };
  versions: { added: string[]; unchanged: string[] };
  /** Versions left out because the database already has them, different. */
  refused: Array<{ version: string; reason: string; files: string[] }>;
  /** Files that could not be read; their version (or module) was left out whole. */
  problems: FileProblem[];
}

/** The files that differ between what the database holds and the folder: changed, added, removed. */
function changedFiles(stored: Array<{ path: string; hash: string }>, current: Record<string, string>): string[] {
  const before = new Map(stored.map((file) => [file.path, file.hash]));
  const paths = new Set([...before.keys(), ...Object.keys(current)]);
  return [...paths].filter((file) => before.get(file) !== current[file]).sort();
}

function versionDocument(source: VersionSource) {
  return {
    course: source.slug,
    version: source.version,
    versionKey: versionKeyOf(source.version),
    status: source.status,
    publishedAt: source.publishedAt,
    changelog: source.changelog,
    lessons: source.lessons,
    questions: source.questions,
    source: 'files' as const,
    files: Object.entries(source.files).map(([file, hash]) => ({ path: file, hash })),
    revision: 0,
  };
}

/**
 * Loads the module files into the database, idempotently. Module metadata follows the files;
 * a version is added once and never overwritten afterwards: published content is what learners
 * were pinned to, so a changed version folder is refused, naming the files, and the change must
 * become a new version.
 */
export async function importModules(root: string = MODULES_DIR): Promise<ImportReport> {
  const report: ImportReport = { courses: { added: 0, updated: 0, unchanged: 0 }, versions: { added: [], unchanged: [] }, refused: [], problems: [] };
  for (const module of await readModules(root)) {
    report.problems.push(...module.problems);
    if (!module.metadata) continue;
    const metadata = { order: module.metadata.order, title: module.metadata.title, summary: module.metadata.summary, objectives: module.metadata.objectives, audience: module.metadata.audience };
    const existing = await Course.findById(module.slug).lean();
    if (!existing) {
      await Course.create({ _id: module.slug, ...metadata });
      report.courses.added += 1;
    } else if (isDeepStrictEqual({ order: existing.order, title: existing.title, summary: existing.summary, objectives: existing.objectives, audience: existing.audience }, metadata)) {
      report.courses.unchanged += 1;
    } else {
      await Course.updateOne({ _id: module.slug }, { $set: metadata });
      report.courses.updated += 1;
    }

    for (const source of module.versions.sort((a, b) => versionKeyOf(a.version).localeCompare(versionKeyOf(b.version)))) {
      const label = `${source.slug} ${source.version}`;
      const stored = await CourseVersion.findOne({ course: source.slug, version: source.version }).lean();
      if (!stored) {
        // Its resources/ files go into GridFS first; one of a refused type leaves the version out.
        const resources = await importVersionResources(root, source.slug, source.version, source.files);
        if ('problems' in resources) {
          report.problems.push(...resources.problems);
          continue;
        }
        try {
          await CourseVersion.create({ ...versionDocument(source), resources: resources.resources });
          report.versions.added.push(label);
        } catch (error) {
          await forgetImportedFiles(resources.created);
          // Another import (a second instance starting) added it meanwhile: nothing to do.
          if (!isDuplicateKey(error)) throw error;
          report.versions.unchanged.push(label);
        }
        continue;
      }
      const changed = stored.source === 'files' ? changedFiles(stored.files, source.files) : Object.keys(source.files);
      if (changed.length === 0) report.versions.unchanged.push(label);
      else {
        const reason =
          stored.source === 'web'
            ? `${label} was made in the web editor; give the folder another version number`
            : `${label} is already ${stored.status} and cannot change; put the change in a new version`;
        report.refused.push({ version: label, reason, files: changed });
      }
    }
  }
  return report;
}

/** The report as log lines, for the command and the start-up. */
export function describeImport(report: ImportReport): { info: string[]; warnings: string[] } {
  const info = [
    `modules: ${report.courses.added} added, ${report.courses.updated} updated, ${report.courses.unchanged} unchanged`,
    `module versions: ${report.versions.added.length} added${report.versions.added.length ? ` (${report.versions.added.join(', ')})` : ''}, ${report.versions.unchanged.length} unchanged`,
  ];
  const warnings = [
    ...report.refused.map((refusal) => `refused ${refusal.version}: ${refusal.reason}. Changed files: ${refusal.files.join(', ')}`),
    ...report.problems.map((problem) => `${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`),
  ];
  return { info, warnings };
}
