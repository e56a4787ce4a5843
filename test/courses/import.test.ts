import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { importModules, MODULES_DIR } from '../../src/courses/import';
import { Course, CourseVersion } from '../../src/courses/model';
import { useTestDatabase } from '../support/database';

useTestDatabase(__filename);

/** A copy of some module folders to break, so the real files stay untouched. */
async function copyOf(...slugs: string[]): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'liaise-modules-'));
  for (const slug of slugs) await cp(path.join(MODULES_DIR, slug), path.join(root, slug), { recursive: true });
  return root;
}

async function edit(root: string, file: string, change: (text: string) => string) {
  const target = path.join(root, file);
  await writeFile(target, change(await readFile(target, 'utf8')));
}

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
});

describe('importing the modules folder', () => {
  it('loads the six modules and their published versions, then changes nothing the second time', async () => {
    const first = await importModules();
    expect(first.problems).toEqual([]);
    expect(first.refused).toEqual([]);
    expect(first.courses.added).toBe(6);
    expect(first.versions.added).toEqual(expect.arrayContaining(['awareness 1.0.0', 'awareness 1.1.0', 'schools 1.0.0']));

    const awareness = await Course.findById('awareness').lean();
    expect(awareness?.order).toBe(1);
    expect(awareness?.title.fr).toBeTruthy();
    const latest = await CourseVersion.findOne({ course: 'awareness', version: '1.1.0' }).lean();
    expect(latest?.status).toBe('published');
    expect(latest?.lessons.map((lesson) => lesson.key)).toContain('online-dimension');
    expect(latest?.questions.length).toBeGreaterThanOrEqual(5);

    const second = await importModules();
    expect(second.courses).toEqual({ added: 0, updated: 0, unchanged: 6 });
    expect(second.versions.added).toEqual([]);
    expect(second.versions.unchanged).toHaveLength(first.versions.added.length);
    expect(await CourseVersion.countDocuments()).toBe(first.versions.added.length);
  });

  it('reports a malformed file with its path and line, and imports nothing of that version', async () => {
    const root = await copyOf('awareness');
    roots.push(root);
    // Line 3 of the check: a mapping where a list item belongs.
    await edit(root, 'awareness/1.1.0/en/check.yaml', (text) => text.replace(/^( {2}- key: q1\n)( {4}prompt:)/m, '$1  prompt: [unclosed\n$2'));
    const report = await importModules(root);
    expect(report.problems).toEqual([expect.objectContaining({ file: 'awareness/1.1.0/en/check.yaml', line: 3 })]);
    expect(report.versions.added).toEqual(['awareness 1.0.0']);
    expect(await CourseVersion.exists({ course: 'awareness', version: '1.1.0' })).toBeNull();
  });

  it('names the line of a value the schema refuses, in front matter too', async () => {
    const root = await copyOf('schools');
    roots.push(root);
    await edit(root, 'schools/1.0.0/fr/school-climate.md', (text) => text.replace(/^minutes: .*$/m, 'minutes: twenty'));
    const report = await importModules(root);
    expect(report.problems).toEqual([{ file: 'schools/1.0.0/fr/school-climate.md', line: 4, message: expect.stringMatching(/^minutes:/) }]);
    expect(await CourseVersion.countDocuments({ course: 'schools' })).toBe(0);
    // The module's metadata is fine and is loaded all the same.
    expect(await Course.exists({ _id: 'schools' })).not.toBeNull();
  });

  it('refuses a check whose correct answer is not an option, or whose translation changes the answers', async () => {
    const root = await copyOf('schools');
    roots.push(root);
    await edit(root, 'schools/1.0.0/fr/check.yaml', (text) => text.replace(/correct: \[([a-d])\]/, (_all, key: string) => `correct: [${key === 'a' ? 'b' : 'a'}]`));
    const report = await importModules(root);
    expect(report.problems).toEqual([expect.objectContaining({ file: 'schools/1.0.0/fr/check.yaml', message: expect.stringMatching(/correct answers must be those of the English/) })]);
  });

  it('never overwrites a published version: changed files are refused and named', async () => {
    const root = await copyOf('awareness');
    roots.push(root);
    await importModules(root);
    const before = await CourseVersion.findOne({ course: 'awareness', version: '1.0.0' }).lean();

    await edit(root, 'awareness/1.0.0/en/signs-and-context.md', (text) => `${text}\nA sentence added after publication.\n`);
    await writeFile(path.join(root, 'awareness/1.0.0/fr/extra.md'), '---\nkey: extra\ntitle: Extra\nminutes: 5\n---\nText.\n');
    const report = await importModules(root);
    // The stray lesson makes the folder unreadable, which is reported; without it, the change is refused.
    expect(report.problems.map((problem) => problem.file)).toEqual(['awareness/1.0.0/fr/extra.md']);
    await rm(path.join(root, 'awareness/1.0.0/fr/extra.md'));
    const again = await importModules(root);
    expect(again.refused).toEqual([
      { version: 'awareness 1.0.0', reason: expect.stringMatching(/already published/), files: ['awareness/1.0.0/en/signs-and-context.md'] },
    ]);
    expect(again.versions.unchanged).toEqual(['awareness 1.1.0']);
    const after = await CourseVersion.findOne({ course: 'awareness', version: '1.0.0' }).lean();
    expect(after?.lessons).toEqual(before?.lessons);
  });

  it('refuses a version folder whose version.yaml names another version', async () => {
    const root = await copyOf('schools');
    roots.push(root);
    await edit(root, 'schools/1.0.0/version.yaml', (text) => text.replace('version: 1.0.0', 'version: 1.0.1'));
    const report = await importModules(root);
    expect(report.problems).toEqual([expect.objectContaining({ file: 'schools/1.0.0/version.yaml', message: expect.stringMatching(/does not match its folder/) })]);
  });
});
