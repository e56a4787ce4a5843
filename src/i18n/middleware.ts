import type { RequestHandler } from 'express';
import type { i18n } from 'i18next';
import { handle } from 'i18next-http-middleware';
import {
  FALLBACK_LANGUAGE,
  isSupportedLanguage,
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
    const lang = isSupportedLanguage(req.language) ? req.language : FALLBACK_LANGUAGE;
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

/**
 * After sign-in is known: a signed-in reader who chose nothing explicit (no `?lang=`, no
 * switcher cookie) reads in the language of their profile.
 */
export const applyUserLanguage: RequestHandler = async (req, res, next) => {
  const preferred = req.user?.language;
  const explicit = isSupportedLanguage(req.query.lang) || isSupportedLanguage(req.cookies?.[LANGUAGE_COOKIE]);
  if (!preferred || explicit || preferred === res.locals.lang) return next();
  await req.i18n.changeLanguage(preferred);
  req.language = preferred;
  res.locals.lang = preferred;
  req.t = req.i18n.getFixedT(preferred);
  res.locals.t = req.t;
  res.locals.format = createFormatters(preferred);
  res.locals.languageLinks = (res.locals.languageLinks as Array<{ code: string; current: boolean }>).map((link) => ({
    ...link,
    current: link.code === preferred,
  }));
  res.setHeader('Content-Language', preferred);
  next();
};
