/**
 * `/authoring/:slug/diff`: for authors, what changed between two versions of a module, per
 * lesson and language, down to the words. The content language is `?content=` (as on the
 * module pages), because `?lang=` is the page's own language (the language switcher sets it).
 */
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { toFieldErrors } from '../../http/validate';
import { LANGUAGE_AUTONYMS, type Language, SUPPORTED_LANGUAGES } from '../../i18n/languages';
import { readerLanguage } from '../../i18n/middleware';
import { CourseVersion, type CourseVersionDocument } from '../model';
import { canAuthor, findCourse, SEMVER } from '../draft-guard';
import { courseTitle } from '../view';
import { diffVersions } from './service';

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

const pageQuery = z.looseObject({
  from: z.string().regex(SEMVER).optional(),
  to: z.string().regex(SEMVER).optional(),
  // Empty: every language with changes.
  content: z.union([z.enum(SUPPORTED_LANGUAGES), z.literal('')]).optional(),
});

/** Signed-out visitors sign in and come back; signed-in non-authors are refused. */
const authorsOnly: RequestHandler = (req, res, next) => {
  if (!req.user) {
    res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  next(canAuthor(req.user) ? undefined : new ForbiddenError('only trainers, coordinators and administrators compare course versions'));
};

async function diffPage(req: Request, res: Response) {
  const slug = String(req.params.slug);
  if (!SLUG.test(slug)) throw new NotFoundError();
  const course = await findCourse(slug);
  const pageLang = readerLanguage(req);
  const versions = await CourseVersion.find({ course: slug }, { version: 1, status: 1, versionKey: 1 }).sort({ versionKey: -1 }).lean<CourseVersionDocument[]>();
  if (versions.length === 0) throw new NotFoundError();

  const parsed = pageQuery.safeParse(req.query);
  const errors = parsed.success ? [] : toFieldErrors(parsed.error.issues, req.t);
  const query = parsed.success ? parsed.data : {};
  // By default: the newest version against the one before it.
  const to = query.to ?? versions[0]!.version;
  const toKey = versions.find((version) => version.version === to)?.versionKey;
  const from = query.from ?? (toKey ? versions.find((version) => version.versionKey < toKey)?.version : undefined) ?? to;
  const content: Language | undefined = query.content || undefined;

  const diff = errors.length === 0 ? await diffVersions(req.user, slug, from, to, { lang: content, labelLanguage: content ?? pageLang }) : undefined;
  const statusLabel = (status: string) => req.t(`course-diff:version-status.${status}`);
  const moduleTitle = courseTitle(course, pageLang);
  await renderPage(
    res,
    'courses/diff',
    {
      title: req.t('course-diff:title', { module: moduleTitle }),
      slug,
      moduleTitle,
      errors,
      from,
      to,
      content: content ?? '',
      versionOptions: versions.map((version) => ({ value: version.version, label: `${version.version} (${statusLabel(version.status)})` })),
      languageOptions: [{ value: '', label: req.t('course-diff:form.all-languages') }, ...SUPPORTED_LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_AUTONYMS[code] }))],
      languageNames: LANGUAGE_AUTONYMS,
      diff: diff && {
        from: { version: diff.from.version, status: statusLabel(diff.from.status) },
        to: { version: diff.to.version, status: statusLabel(diff.to.status) },
        ...diff.comparison,
      },
    },
    errors.length > 0 ? 400 : 200,
  );
}

export function courseDiffPages(): Router {
  const router = Router();
  router.get('/authoring/:slug/diff', authorsOnly, diffPage);
  return router;
}
