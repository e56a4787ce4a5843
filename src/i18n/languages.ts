/**
 * The eleven languages of the LIAISE partner countries (programme.md). English is the
 * reference and the fallback. Each language is named in itself in the switcher, so a reader
 * finds their own language whatever the page is currently shown in.
 */
export const SUPPORTED_LANGUAGES = ['en', 'fr', 'nl', 'de', 'cs', 'es', 'ca', 'el', 'it', 'pt', 'sv'] as const;

export type Language = (typeof SUPPORTED_LANGUAGES)[number];

export const FALLBACK_LANGUAGE: Language = 'en';

export const LANGUAGE_AUTONYMS: Record<Language, string> = {
  en: 'English',
  fr: 'Français',
  nl: 'Nederlands',
  de: 'Deutsch',
  cs: 'Čeština',
  es: 'Español',
  ca: 'Català',
  el: 'Ελληνικά',
  it: 'Italiano',
  pt: 'Português',
  sv: 'Svenska',
};

export function isSupportedLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/** Remembers the language a reader picked in the switcher. */
export const LANGUAGE_COOKIE = 'lang';
