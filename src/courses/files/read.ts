import { createHash } from 'node:crypto';
import { lessonHash } from '../drafts';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { FALLBACK_LANGUAGE, isSupportedLanguage, type Language } from '../../i18n/languages';
import { MODULE_SLUGS } from '../../programme';
import { checkFileSchema, lessonFrontMatterSchema, type ModuleFile, moduleFileSchema, SEMVER, versionFileSchema } from './schemas';
import { type FileProblem, isProblem, parseYaml } from './yaml';

export interface LessonSource {
  key: string;
  minutes: number;
  /** SHA-256 of the English title, minutes and body: equal hashes mean "this lesson did not change". */
  contentHash: string;
  content: Partial<Record<Language, { title: string; body: string }>>;
}

export interface QuestionSource {
  key: string;
  optionKeys: string[];
  correct: string[];
  text: Partial<Record<Language, { prompt: string; options: Record<string, string>; feedback: string }>>;
}

export interface VersionSource {
  slug: string;
  version: string;
  status: 'published' | 'archived';
  publishedAt: Date;
  changelog: Partial<Record<Language, string>>;
  lessons: LessonSource[];
  questions: QuestionSource[];
  /** Every file of the version (relative to the modules folder) with its SHA-256. */
  files: Record<string, string>;
}

export interface ModuleSource {
  slug: string;
  metadata?: ModuleFile;
  versions: VersionSource[];
  problems: FileProblem[];
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

async function isDirectory(target: string): Promise<boolean> {
  return (await stat(target).catch(() => undefined))?.isDirectory() ?? false;
}

/** Validates parsed YAML with a schema; problems name the file and the line. */
function validate<Schema extends z.ZodType>(
  schema: Schema,
  text: string,
  file: string,
  firstLine = 1,
): { value: z.output<Schema> } | { problems: FileProblem[] } {
  const parsed = parseYaml(text, file, firstLine);
  if (isProblem(parsed)) return { problems: [parsed] };
  const result = schema.safeParse(parsed.value);
  if (result.success) return { value: result.data };
  return {
    problems: result.error.issues.map((issue) => ({
      file,
      line: parsed.lineOf(issue.path),
      message: `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`,
    })),
  };
}

/** Splits `---\n<yaml>\n---\n<body>`; the YAML starts on line 2 of the file. */
function splitFrontMatter(text: string): { yaml: string; body: string } | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  return match ? { yaml: match[1]!, body: match[2]! } : undefined;
}

/** Reads every module folder under `root`. Nothing is written anywhere. */
export async function readModules(root: string): Promise<ModuleSource[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const modules: ModuleSource[] = [];
  for (const entry of entries.filter((candidate) => candidate.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    modules.push(await readModule(root, entry.name));
  }
  return modules;
}

async function readModule(root: string, slug: string): Promise<ModuleSource> {
  const source: ModuleSource = { slug, versions: [], problems: [] };
  if (!(MODULE_SLUGS as readonly string[]).includes(slug)) {
    source.problems.push({ file: slug, message: `not one of the six modules (${MODULE_SLUGS.join(', ')})` });
    return source;
  }
  const metadataFile = `${slug}/module.yaml`;
  const metadataText = await readFile(path.join(root, metadataFile), 'utf8').catch(() => undefined);
  if (metadataText === undefined) source.problems.push({ file: metadataFile, message: 'missing' });
  else {
    const metadata = validate(moduleFileSchema, metadataText, metadataFile);
    if ('value' in metadata) source.metadata = metadata.value;
    else source.problems.push(...metadata.problems);
  }
  for (const name of (await readdir(path.join(root, slug))).sort()) {
    if (name === 'module.yaml') continue;
    if (!(await isDirectory(path.join(root, slug, name))) || !SEMVER.test(name)) {
      source.problems.push({ file: `${slug}/${name}`, message: 'neither module.yaml nor a version folder (e.g. 1.0.0)' });
      continue;
    }
    const version = await readVersion(root, slug, name);
    if ('problems' in version) source.problems.push(...version.problems);
    else source.versions.push(version);
  }
  return source;
}

/** One version folder, whole or not at all: any problem and the version is left out. */
export async function readVersion(root: string, slug: string, folder: string): Promise<VersionSource | { problems: FileProblem[] }> {
  const problems: FileProblem[] = [];
  const files: Record<string, string> = {};
  const base = `${slug}/${folder}`;
  const read = async (relative: string) => {
    const buffer = await readFile(path.join(root, relative));
    files[relative] = sha256(buffer);
    return buffer.toString('utf8');
  };

  const versionText = await read(`${base}/version.yaml`).catch(() => undefined);
  if (versionText === undefined) return { problems: [{ file: `${base}/version.yaml`, message: 'missing' }] };
  const versionFile = validate(versionFileSchema, versionText, `${base}/version.yaml`);
  if ('problems' in versionFile) return versionFile;
  const meta = versionFile.value;
  if (meta.version !== folder) problems.push({ file: `${base}/version.yaml`, line: 1, message: `version ${meta.version} does not match its folder ${folder}` });

  const lessons = new Map<string, LessonSource>(meta.lessons.map((key) => [key, { key, minutes: 0, contentHash: '', content: {} }]));
  const questions = new Map<string, QuestionSource>();
  let englishQuestions: string[] | undefined;
  let englishCheckBroken = false;

  const entries = (await readdir(path.join(root, base), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  // English first: the other languages are checked against it.
  entries.sort((a, b) => Number(b.name === FALLBACK_LANGUAGE) - Number(a.name === FALLBACK_LANGUAGE));
  for (const entry of entries) {
    if (entry.name === 'version.yaml') continue;
    if (entry.isDirectory() && entry.name === 'resources') {
      for (const resource of (await readdir(path.join(root, base, 'resources'))).sort()) await read(`${base}/resources/${resource}`);
      continue;
    }
    if (!entry.isDirectory() || !isSupportedLanguage(entry.name)) {
      problems.push({ file: `${base}/${entry.name}`, message: 'neither version.yaml, resources/ nor a language folder (en, fr, …)' });
      continue;
    }
    const lang = entry.name;
    for (const name of (await readdir(path.join(root, base, lang))).sort()) {
      const file = `${base}/${lang}/${name}`;
      const text = await read(file);
      if (name === 'check.yaml') {
        const check = validate(checkFileSchema, text, file);
        if ('problems' in check) {
          problems.push(...check.problems);
          if (lang === FALLBACK_LANGUAGE) englishCheckBroken = true;
          continue;
        }
        // Without a readable English check there is nothing to compare translations with.
        if (englishCheckBroken) continue;
        const keys = check.value.questions.map((question) => question.key);
        if (lang === FALLBACK_LANGUAGE) englishQuestions = keys;
        else if (!englishQuestions || keys.join() !== englishQuestions.join()) {
          problems.push({ file, line: 1, message: 'the questions must be those of the English check, in the same order' });
          continue;
        }
        for (const question of check.value.questions) {
          const optionKeys = question.options.map((option) => option.key);
          const known = questions.get(question.key);
          if (known && (known.optionKeys.join() !== optionKeys.join() || known.correct.join() !== question.correct.join())) {
            problems.push({ file, message: `question ${question.key}: options and correct answers must be those of the English check` });
            continue;
          }
          const entry: QuestionSource = known ?? { key: question.key, optionKeys, correct: question.correct, text: {} };
          entry.text[lang] = {
            prompt: question.prompt,
            options: Object.fromEntries(question.options.map((option) => [option.key, option.text])),
            feedback: question.feedback,
          };
          questions.set(question.key, entry);
        }
        continue;
      }
      const key = name.replace(/\.md$/, '');
      const lesson = lessons.get(key);
      if (!name.endsWith('.md') || !lesson) {
        problems.push({ file, message: `not a lesson listed in version.yaml (${meta.lessons.join(', ')}) nor check.yaml` });
        continue;
      }
      const split = splitFrontMatter(text);
      if (!split) {
        problems.push({ file, line: 1, message: 'a lesson starts with front matter between two "---" lines' });
        continue;
      }
      const front = validate(lessonFrontMatterSchema, split.yaml, file, 2);
      if ('problems' in front) {
        problems.push(...front.problems);
        continue;
      }
      if (front.value.key !== key) problems.push({ file, line: 2, message: `key ${front.value.key} does not match the file name ${name}` });
      if (split.body.trim() === '') problems.push({ file, message: 'the lesson has no text' });
      lesson.content[lang] = { title: front.value.title, body: split.body.trim() };
      if (lang === FALLBACK_LANGUAGE) {
        lesson.minutes = front.value.minutes;
        lesson.contentHash = lessonHash(front.value.title, front.value.minutes, split.body);
      }
    }
  }
  for (const lesson of lessons.values()) {
    if (!lesson.content.en) problems.push({ file: `${base}/en/${lesson.key}.md`, message: 'missing: every lesson needs its English text' });
  }
  if (questions.size > 0 && !englishQuestions && !englishCheckBroken) problems.push({ file: `${base}/en/check.yaml`, message: 'missing: the check needs its English text' });
  if (problems.length > 0) return { problems };
  return {
    slug,
    version: meta.version,
    status: meta.status,
    publishedAt: meta.published,
    changelog: meta.changelog,
    lessons: [...lessons.values()],
    questions: [...questions.values()],
    files,
  };
}
