/**
 * The programme's content promises (issue: the six modules), checked on the files themselves:
 * substance per lesson, checks, the languages each module must have, and awareness 1.1.0.
 */
import { readModules, type VersionSource } from '../../src/courses/files/read';
import { MODULES_DIR } from '../../src/courses/import';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages';
import { MODULE_SLUGS } from '../../src/programme';

let modules: Awaited<ReturnType<typeof readModules>>;
beforeAll(async () => {
  modules = await readModules(MODULES_DIR);
});

const words = (markdown: string) => markdown.split(/\s+/).filter((word) => /\p{L}/u.test(word)).length;
const first = (slug: string): VersionSource => modules.find((module) => module.slug === slug)!.versions.find((version) => version.version === '1.0.0')!;

it('has the six modules, readable, in the programme’s order', () => {
  expect(modules.map((module) => module.slug).sort()).toEqual([...MODULE_SLUGS].sort());
  expect(modules.flatMap((module) => module.problems)).toEqual([]);
  expect(Object.fromEntries(modules.map((module) => [module.slug, module.metadata?.order]))).toEqual(Object.fromEntries(MODULE_SLUGS.map((slug, index) => [slug, index + 1])));
});

describe.each(MODULE_SLUGS)('%s', (slug) => {
  it('has its title, summary, objectives and audience in all 11 languages', () => {
    const metadata = modules.find((module) => module.slug === slug)!.metadata!;
    for (const field of ['title', 'summary', 'objectives', 'audience'] as const) {
      expect(Object.keys(metadata[field]).sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
    }
  });

  it('has at least 4 lessons of 300 words or more, with a practical part and sources, in English and French', () => {
    const version = first(slug);
    expect(version.lessons.length).toBeGreaterThanOrEqual(4);
    for (const lesson of version.lessons) {
      expect({ lesson: lesson.key, words: words(lesson.content.en!.body) >= 300 }).toEqual({ lesson: lesson.key, words: true });
      expect(lesson.content.en!.body).toMatch(/^## (Case prompt|Exercise)/m);
      expect(lesson.content.en!.body).toMatch(/^## Further reading/m);
      expect(lesson.content.fr?.body.length ?? 0).toBeGreaterThan(0);
    }
  });

  it('has a knowledge check of at least 5 questions in English and French', () => {
    const version = first(slug);
    expect(version.questions.length).toBeGreaterThanOrEqual(5);
    for (const question of version.questions) expect(Object.keys(question.text)).toEqual(expect.arrayContaining(['en', 'fr']));
  });
});

describe('awareness', () => {
  it('is complete in all 11 languages, in both versions', () => {
    for (const version of modules.find((module) => module.slug === 'awareness')!.versions) {
      for (const lesson of version.lessons) expect({ lesson: lesson.key, languages: Object.keys(lesson.content).sort() }).toEqual({ lesson: lesson.key, languages: [...SUPPORTED_LANGUAGES].sort() });
      for (const question of version.questions) expect(Object.keys(question.text).sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
    }
  });

  it('1.1.0 changes one lesson, adds one, keeps the others, and says so in its changelog', () => {
    const versions = modules.find((module) => module.slug === 'awareness')!.versions;
    const [older, newer] = ['1.0.0', '1.1.0'].map((number) => versions.find((version) => version.version === number)!);
    const before = new Map(older!.lessons.map((lesson) => [lesson.key, lesson.contentHash]));
    const added = newer!.lessons.filter((lesson) => !before.has(lesson.key));
    const changed = newer!.lessons.filter((lesson) => before.has(lesson.key) && before.get(lesson.key) !== lesson.contentHash);
    expect(added).toHaveLength(1);
    expect(changed).toHaveLength(1);
    expect(newer!.lessons).toHaveLength(older!.lessons.length + 1);
    for (const lesson of [...added, ...changed]) expect(newer!.changelog.en).toContain(lesson.content.en!.title.split(':')[0]!.replace(/^The /, ''));
  });
});
