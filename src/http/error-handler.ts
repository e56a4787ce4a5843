import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { TFunction } from 'i18next';
import type { Logger } from '../logger';
import { type AppError, NotFoundError, TooManyRequestsError } from './errors';
import { renderPage } from './render';
import { toAppError } from './to-app-error';
import { localiseFieldErrors } from './validate';

export function isApiRequest(req: Request): boolean {
  return req.originalUrl === '/api' || req.originalUrl.startsWith('/api/');
}

/** The request's translator, or English keys when i18n did not run (very early failures). */
function translatorOf(req: Request): TFunction {
  return (req.t ?? ((key: string) => key)) as TFunction;
}

/** RFC 9457 problem details; `type` ends with the error's stable code. */
export function sendProblem(req: Request, res: Response, error: AppError): void {
  const t = translatorOf(req);
  if (error instanceof TooManyRequestsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res
    .status(error.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: `/problems/${error.code}`,
        title: t(`errors:${error.i18nKey}.title`),
        status: error.status,
        detail: t(`errors:${error.i18nKey}.message`),
        ...(error.fieldErrors ? { errors: localiseFieldErrors(error.fieldErrors, t) } : {}),
      }),
    );
}

async function sendErrorPage(req: Request, res: Response, error: AppError, showStack: string | undefined) {
  const t = translatorOf(req);
  if (error instanceof TooManyRequestsError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  await renderPage(
    res,
    'errors/error',
    {
      title: t(`errors:${error.i18nKey}.title`),
      status: error.status,
      message: t(`errors:${error.i18nKey}.message`),
      // The reasons a service gave in the reader's language (e.g. which country is outside a
      // coordinator's scope), as the API's problem details list them; untranslated ones stay out.
      reasons: (error.fieldErrors ?? []).filter((fieldError) => fieldError.key).map((fieldError) => String(t(fieldError.key!, fieldError.values ?? {}))),
      requestId: String(req.id ?? ''),
      stack: showStack,
    },
    error.status,
  );
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new NotFoundError());
};

/** The one place where anything thrown becomes a response. */
export function errorHandler(options: { log: Logger; showStacks: boolean }): ErrorRequestHandler {
  return (thrown, req, res, _next) => {
    const error = toAppError(thrown);
    if (error.status >= 500) {
      options.log.error({ err: thrown, reqId: req.id }, 'request failed');
    }
    // Answered already with a 503 because it took too long: what came later is dropped.
    if (res.locals.timedOut) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (isApiRequest(req) || !req.accepts('html')) {
      sendProblem(req, res, error);
      return;
    }
    const stack = options.showStacks && thrown instanceof Error ? thrown.stack : undefined;
    sendErrorPage(req, res, error, stack).catch((renderError: unknown) => {
      options.log.error({ err: renderError }, 'the error page itself failed to render');
      res.status(error.status).type('text/plain').send(`${error.status} ${error.code}`);
    });
  };
}
