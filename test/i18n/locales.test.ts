import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as httpErrors from '../../src/http/errors';
import { LOCALES_DIR, listNamespaces } from '../../src/i18n';
import { FALLBACK_LANGUAGE, SUPPORTED_LANGUAGES } from '../../src/i18n/languages';
import { MODULE_SLUGS } from '../../src/programme';

type Strings = Map<string, string>;

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

function flatten(value: unknown, prefix = '', into: Strings = new Map()): Strings {
  if (typeof value === 'string') into.set(prefix, value);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, into);
  } else throw new Error(`${prefix}: only strings and objects belong in a locale file`);
  return into;
}

function load(lng: string, ns: string): Strings {
  return flatten(JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, `${ns}.json`), 'utf8')));
}

/** Keys without plural suffixes: languages have different plural forms of one key. */
function baseKeys(strings: Strings): string[] {
  return [...new Set([...strings.keys()].map((key) => key.replace(PLURAL_SUFFIX, '')))].sort();
}

function variables(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)].map((match) => match[1]!).sort();
}

/** Strings that are rightly the same as English in some language (names, cognates). */
const SAME_AS_ENGLISH_ALLOWED = new Set([
  '*:common:product-name',
  '*:common:page-title',
  'it:common:nav.home',
  '*:common:footer.version',
]);

const namespaces = listNamespaces();
const otherLanguages = SUPPORTED_LANGUAGES.filter((lng) => lng !== FALLBACK_LANGUAGE);

describe('locale files', () => {
  it('exist for every supported language and no other', () => {
    expect(readdirSync(LOCALES_DIR).sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
    for (const lng of SUPPORTED_LANGUAGES) {
      expect(readdirSync(path.join(LOCALES_DIR, lng)).sort()).toEqual(namespaces.map((ns) => `${ns}.json`));
    }
  });

  describe.each(otherLanguages)('%s', (lng) => {
    const categories = new Intl.PluralRules(lng).resolvedOptions().pluralCategories.slice().sort();

    it.each(namespaces)('has exactly the keys of en in %s', (ns) => {
      expect(baseKeys(load(lng, ns))).toEqual(baseKeys(load(FALLBACK_LANGUAGE, ns)));
    });

    it.each(namespaces)('has the plural forms the language needs in %s', (ns) => {
      const strings = load(lng, ns);
      const pluralBases = baseKeys(load(FALLBACK_LANGUAGE, ns)).filter((base) =>
        load(FALLBACK_LANGUAGE, ns).has(`${base}_other`),
      );
      for (const base of pluralBases) {
        const forms = [...strings.keys()]
          .filter((key) => key.replace(PLURAL_SUFFIX, '') === base && PLURAL_SUFFIX.test(key))
          .map((key) => PLURAL_SUFFIX.exec(key)![1])
          .sort();
        expect({ key: base, forms }).toEqual({ key: base, forms: categories });
      }
    });

    it.each(namespaces)('uses the same {{variables}} as en in %s', (ns) => {
      const reference = load(FALLBACK_LANGUAGE, ns);
      for (const [key, text] of load(lng, ns)) {
        const english = reference.get(key) ?? reference.get(`${key.replace(PLURAL_SUFFIX, '')}_other`);
        expect({ key, variables: variables(text) }).toEqual({ key, variables: variables(english ?? '') });
      }
    });

    it.each(namespaces)('is translated, not copied from English, in %s', (ns) => {
      const reference = load(FALLBACK_LANGUAGE, ns);
      const copied = [...load(lng, ns)]
        .filter(([key, text]) => reference.get(key) === text)
        .map(([key]) => `${ns}:${key}`)
        .filter((key) => !SAME_AS_ENGLISH_ALLOWED.has(`*:${key}`) && !SAME_AS_ENGLISH_ALLOWED.has(`${lng}:${key}`));
      expect(copied).toEqual([]);
    });
  });
});

describe('keys used by the code', () => {
  const english = new Map(namespaces.map((ns) => [ns, load(FALLBACK_LANGUAGE, ns)]));
  const exists = (qualified: string) => {
    const [ns, key] = qualified.split(':') as [string, string];
    const strings = english.get(ns);
    return Boolean(strings && (strings.has(key) || strings.has(`${key}_other`)));
  };

  function sourceFiles(dir: string, extension: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith(extension))
      .map((file) => path.join(dir, file));
  }

  it('every literal t("namespace:key") in views and code exists in en', () => {
    const root = path.join(LOCALES_DIR, '..');
    const files = [...sourceFiles(path.join(root, 'views'), '.ejs'), ...sourceFiles(path.join(root, 'src'), '.ts')];
    const missing: string[] = [];
    let found = 0;
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-z-]+:[a-z0-9.-]*[a-z0-9-])'/g)) {
        found += 1;
        if (!exists(match[1]!)) missing.push(`${path.relative(root, file)}: ${match[1]}`);
      }
    }
    expect(found).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('every typed error has a title and a message', () => {
    const errorClasses: unknown[] = Object.values(httpErrors);
    const errors = errorClasses
      .filter((value): value is new (arg: unknown) => httpErrors.AppError => typeof value === 'function')
      .filter((ErrorClass) => ErrorClass.prototype instanceof httpErrors.AppError)
      .map((ErrorClass) => new ErrorClass([]));
    expect(errors.length).toBeGreaterThan(10);
    for (const error of errors) {
      expect(exists(`errors:${error.i18nKey}.title`) && exists(`errors:${error.i18nKey}.message`)).toBe(true);
    }
  });

  it('every training module has its topic line on the home page', () => {
    for (const slug of MODULE_SLUGS) expect(exists(`home:topics.${slug}`)).toBe(true);
  });
});
