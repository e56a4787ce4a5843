/**
 * Importing participants from a CSV file (csv-import.ts), for a session's staff:
 * - API `POST /api/v1/sessions/:id/enrolments/import`: multipart with the field `file`, or the
 *   file itself as a `text/csv` body → 200 the report;
 * - web `POST /sessions/:id/roster/import` (a multipart form on the roster page, CSRF token in
 *   its action URL, see http/csrf.ts) → the report as a page.
 * Who may is checked before the body is read; a file that cannot be read is a 400 and nothing
 * is done.
 */
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import type { i18n } from 'i18next';
import multer from 'multer';
import { requireSignedIn } from '../accounts/bearer';
import type { AccountsContext } from '../accounts/service';
import { AppError, BadRequestError, UnsupportedMediaTypeError } from '../http/errors';
import { renderPage } from '../http/render';
import { localiseFieldErrors } from '../http/validate';
import { readerLanguage } from '../i18n/middleware';
import { findSession } from '../sessions/access';
import { namesFor } from '../sessions/present';
import { sessionForPage } from '../sessions/pages/view';
import { checkImportAllowed, IMPORT_MAX_BYTES, ImportFileError, importFileErrors, importParticipants, type ImportReport, ImportTooLargeError, importVocabulary, type ImportVocabulary } from './csv-import';
import { allowLongRequest } from '../http/request-timeout';

export const IMPORT_FILE_FIELD = 'file';

const receiveMultipart = multer({
  storage: multer.memoryStorage(),
  defParamCharset: 'utf8',
  limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 5, fieldSize: 1024, fieldNameSize: 50, parts: 6, headerPairs: 20 },
}).single(IMPORT_FILE_FIELD);

const receiveCsvBody = express.raw({ type: ['text/csv', 'application/csv', 'text/plain'], limit: IMPORT_MAX_BYTES });

function uploadError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') return new ImportTooLargeError();
    return new ImportFileError('missing-file');
  }
  if ((error as { type?: unknown }).type === 'entity.too.large') return new ImportTooLargeError();
  return new BadRequestError(error instanceof Error ? error.message : 'malformed body', 'malformed-multipart');
}

/**
 * The file's bytes: the `file` part of a multipart body, or a `text/csv` body. 400 when no
 * file came, 413 over 2 MB, 415 for another kind of body (JSON, a form without a file).
 */
export function receiveImportFile(req: Request, res: Response, options: { formFallback?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error?: unknown) => {
      if (error) return reject(uploadError(error));
      const file = req.file as Express.Multer.File | undefined;
      if (file) return resolve(file.buffer);
      if (Buffer.isBuffer(req.body) && req.body.length > 0) return resolve(req.body);
      reject(new ImportFileError(Buffer.isBuffer(req.body) ? 'empty' : 'missing-file'));
    };
    if (req.is('multipart/form-data')) receiveMultipart(req, res, done);
    else if (req.is(['text/csv', 'application/csv', 'text/plain'])) receiveCsvBody(req, res, done);
    else if (options.formFallback) reject(new ImportFileError('missing-file'));
    else reject(new UnsupportedMediaTypeError());
  });
}

/** The vocabulary of the interface languages, built once per i18n instance. */
const vocabularies = new WeakMap<object, ImportVocabulary>();
function vocabularyOf(req: Request): ImportVocabulary {
  const instance = (req as Request & { i18n?: i18n }).i18n;
  if (!instance) return importVocabulary();
  // The request's i18n is a clone per request; its store is shared: key the cache on the store's owner.
  const owner: object = (instance as { services?: { resourceStore?: object } }).services?.resourceStore ?? instance;
  let vocabulary = vocabularies.get(owner);
  if (!vocabulary) {
    vocabulary = importVocabulary(instance);
    vocabularies.set(owner, vocabulary);
  }
  return vocabulary;
}

const requestIdOf = (req: Request) => (req.id === undefined ? undefined : String(req.id));
const param = (req: Request, name: string) => String(req.params[name]);

export function enrolmentImportApi(accounts: AccountsContext): Router {
  const router = Router();
  router.post('/sessions/:id/enrolments/import', requireSignedIn, allowLongRequest, async (req, res) => {
    await checkImportAllowed(req.user, param(req, 'id'));
    const bytes = await receiveImportFile(req, res);
    const report = await importParticipants(accounts, req.user!, param(req, 'id'), bytes, { vocabulary: vocabularyOf(req), requestId: requestIdOf(req) });
    res.json(report);
  });
  return router;
}

/** Visitors sign in and come back to the roster; the handler decides who else may. */
const signedIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(`/sessions/${param(req, 'id')}/roster`)}`);
};

async function reportPage(req: Request, res: Response, state: { report?: ImportReport; errors?: Array<{ path: string; message: string }> }, status = 200) {
  const session = await findSession(param(req, 'id'));
  const lang = readerLanguage(req);
  await renderPage(
    res,
    'sessions/import-report',
    {
      title: req.t('sessions:import.report-title', { title: session.title }),
      session: sessionForPage(session, await namesFor([session], lang), lang),
      report: state.report,
      errors: state.errors ?? [],
    },
    status,
  );
}

export function enrolmentImportPages(accounts: AccountsContext): Router {
  const router = Router();
  router.post('/sessions/:id/roster/import', signedIn, allowLongRequest, async (req, res) => {
    try {
      await checkImportAllowed(req.user, param(req, 'id'));
    } catch (error) {
      // A closed session is said on the page; a stranger or an unknown session goes to the error handler.
      const code = (error as { code?: unknown }).code;
      if (code !== 'session-not-open' && code !== 'deadline-passed') throw error;
      const errors = localiseFieldErrors((error as AppError).fieldErrors ?? [], req.t).map((entry) => ({ ...entry, path: 'file' }));
      return reportPage(req, res, { errors }, 409);
    }
    try {
      const bytes = await receiveImportFile(req, res, { formFallback: true });
      const report = await importParticipants(accounts, req.user!, param(req, 'id'), bytes, { vocabulary: vocabularyOf(req), requestId: requestIdOf(req) });
      await reportPage(req, res, { report });
    } catch (error) {
      const errors = importFileErrors(error);
      if (!errors) throw error;
      await reportPage(req, res, { errors: localiseFieldErrors(errors, req.t) }, (error as AppError).status);
    }
  });
  return router;
}
