import { readdirSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n } from 'i18next';
import Backend from 'i18next-fs-backend';
import { LanguageDetector } from 'i18next-http-middleware';
import { PROJECT_ROOT } from '../version';
import { FALLBACK_LANGUAGE, LANGUAGE_COOKIE, type Language, SUPPORTED_LANGUAGES } from './languages';
import { userPreferenceDetector } from './user-detector';

export const LOCALES_DIR = path.join(PROJECT_ROOT, 'locales');

/** One namespace per feature: every `locales/en/<namespace>.json`. */
export function listNamespaces(): string[] {
  return readdirSync(path.join(LOCALES_DIR, FALLBACK_LANGUAGE))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/**
 * Loads every language and namespace up front (they are small and the server must not read
 * files per request). Detection order is the product's rule: `?lang=`, the switcher's cookie,
 * the signed-in user's preference, `Accept-Language`, then DEFAULT_LANGUAGE (English unless
 * the installation says otherwise).
 */
export async function createI18n(options: { defaultLanguage?: Language } = {}): Promise<i18n> {
  const detector = new LanguageDetector();
  detector.addDetector(userPreferenceDetector);
  // DEFAULT_LANGUAGE: what a reader gets when nothing says otherwise. English stays the
  // fallback for any text missing in a language.
  const installationDefault = { name: 'installationDefault', lookup: () => options.defaultLanguage ?? FALLBACK_LANGUAGE };
  detector.addDetector(installationDefault);
  const instance = i18next.createInstance();
  await instance
    .use(Backend)
    .use(detector)
    .init({
      supportedLngs: [...SUPPORTED_LANGUAGES],
      load: 'languageOnly',
      lowerCaseLng: true,
      fallbackLng: FALLBACK_LANGUAGE,
      preload: [...SUPPORTED_LANGUAGES],
      ns: listNamespaces(),
      defaultNS: 'common',
      initAsync: false,
      backend: { loadPath: path.join(LOCALES_DIR, '{{lng}}', '{{ns}}.json') },
      detection: {
        order: ['querystring', 'cookie', userPreferenceDetector.name, 'header', installationDefault.name],
        lookupQuerystring: 'lang',
        lookupCookie: LANGUAGE_COOKIE,
        // The cookie is written only when a reader picks a language (see middleware.ts).
        caches: false,
        // Only the language matters, not the region: fr-BE reads French, de-AT German.
        convertDetectedLanguage: (lng: string) => lng.split('-')[0]!.toLowerCase(),
      },
      // EJS escapes output; escaping here too would show &amp; to readers.
      interpolation: { escapeValue: false },
      returnNull: false,
      // Never write keys a request asked for back to the locale files (advisory: a reader could
      // otherwise plant strings); missing keys are caught by the locale tests instead.
      saveMissing: false,
    });
  return instance;
}

