import type { Request, RequestHandler, Response } from 'express';
import type { i18n } from 'i18next';
import { handle } from 'i18next-http-middleware';
import {
  FALLBACK_LANGUAGE,
  isSupportedLanguage,
  type Language,
  LANGUAGE_AUTONYMS,
  LANGUAGE_COOKIE,
  SUPPORTED_LANGUAGES,
} from './languages';
import { createFormatters } from './format';

const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * Detects the reader's language, remembers an explicit `?lang=` choice in a cookie, and gives
 * every view `t`, `lang`, the language list and Intl formatters.
 */
export function languageMiddleware(instance: i18n, options: { secureCookies: boolean }): RequestHandler[] {
  const remember: RequestHandler = (req, res, next) => {
    const requested = req.query.lang;
    if (isSupportedLanguage(requested)) {
      res.cookie(LANGUAGE_COOKIE, requested, {
        maxAge: ONE_YEAR_MS,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies,
      });
    }
    exposeLanguage(req, res, readerLanguage(req));
    next();
  };
  return [handle(instance), remember];
}

/**
 * The current page in another language: same path and query, `lang` replaced. Only the path
 * and query are kept, and leading slashes are folded, so the link can never point off-site.
 */
export function samePageIn(originalUrl: string, lang: string): string {
  const url = new URL(originalUrl, 'http://localhost');
  url.searchParams.set('lang', lang);
  return `${url.pathname.replace(/^\/+/, '/')}${url.search}`;
}

/** Whether the reader picked a language explicitly (`?lang=` or the switcher's cookie). */
export function choseLanguageExplicitly(req: Request): boolean {
  return isSupportedLanguage(req.query.lang) || isSupportedLanguage(req.cookies?.[LANGUAGE_COOKIE]);
}

/** The language this request is served in: always one of the eleven. */
export function readerLanguage(req: Request): Language {
  return isSupportedLanguage(req.language) ? req.language : FALLBACK_LANGUAGE;
}

/** What every view needs to speak `lang`: translator, language links, Intl formatters. */
function exposeLanguage(req: Request, res: Response, lang: Language): void {
  res.locals.lang = lang;
  res.locals.t = req.t;
  res.locals.languageLinks = SUPPORTED_LANGUAGES.map((code) => ({
    code,
    name: LANGUAGE_AUTONYMS[code],
    href: samePageIn(req.originalUrl, code),
    current: code === lang,
  }));
  res.locals.format = createFormatters(lang);
  res.setHeader('Content-Language', lang);
}

/** Serves the rest of this request in `lang`: translator, view helpers and headers alike. */
export async function switchLanguage(req: Request, res: Response, lang: Language): Promise<void> {
  if (lang === res.locals.lang) return;
  await req.i18n.changeLanguage(lang);
  req.language = lang;
  req.t = req.i18n.getFixedT(lang);
  exposeLanguage(req, res, lang);
}

/**
 * After sign-in is known: a signed-in reader who chose nothing explicit reads in the
 * language of their profile.
 */
export const applyUserLanguage: RequestHandler = async (req, res, next) => {
  const preferred = req.user?.language;
  if (preferred && !choseLanguageExplicitly(req)) await switchLanguage(req, res, preferred);
  next();
};
