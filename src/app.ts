import { randomUUID } from 'node:crypto';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import type { i18n } from 'i18next';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import type { Database } from './db';
import { healthRoutes } from './health/api';
import { homePages } from './home/pages';
import { apiRouter } from './http/api-router';
import { refuseUnstorableText } from './http/unstorable-text';
import { Readiness, readinessGate } from './http/readiness';
import { requestTimeout } from './http/request-timeout';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { VIEWS_DIR } from './http/render';
import { securityHeaders } from './http/security';
import { applyUserLanguage, languageMiddleware } from './i18n/middleware';
import { accountsApi } from './accounts/api';
import { coursesApi } from './courses/api';
import { authoringApi } from './courses/authoring-api';
import { sessionsApi } from './sessions/api';
import { reportsApi } from './reports/api';
import { reportPages } from './reports/pages';
import { enrolmentApi } from './enrolment/api';
import { invitationApi } from './invitations/api';
import { invitationAnswerPages } from './invitations/pages';
import { attendanceApi } from './attendance/api';
import { attendancePages } from './attendance/pages';
import { dashboardPages } from './attendance/dashboard';
import { settingsApi } from './attendance/settings-api';
import { settingsPages } from './attendance/settings-pages';
import { enrolmentImportApi, enrolmentImportPages } from './enrolment/import-routes';
import { sessionPages } from './sessions/pages';
import { checkInApi, checkInPages } from './attendance/check-in-routes';
import { signInSheetPages } from './attendance/sign-in-sheet';
import { calendarApi, calendarPages } from './calendar/routes';
import { progressApi } from './courses/progress-api';
import { bearerAuthentication } from './accounts/bearer';
import { createPassport, sessionAuthentication } from './accounts/authentication';
import { accountPages } from './accounts/pages';
import { passwordResetPages } from './accounts/reset-pages';
import { profileApi } from './profile/api';
import { profilePages } from './profile/pages';
import type { AccountsContext } from './accounts/service';
import { csrfProtection } from './http/csrf';
import { sessionMiddleware } from './http/session';
import { resolveSessionSecret } from './http/session-secret';
import type { Mailer } from './mail/mailer';
import type { Logger } from './logger';
import { referenceApi } from './reference/api';
import { usersApi } from './users/api';
import { openapiApi } from './openapi/api';
import { userPages } from './users/pages';
import { deriveKey } from './two-factor/codes';
import { requireTwoFactorSetup, twoFactorPages } from './two-factor/pages';
import { authoringPages } from './courses/authoring/pages';
import { coursePages } from './courses/pages';
import { courseDiffApi } from './courses/diff/api';
import { courseDiffPages } from './courses/diff/pages';
import { resourcePages, resourcesApi } from './courses/resources';
import { APP_VERSION } from './version';
import { startSessionMails } from './notifications/session-mails';

export interface AppDependencies {
  config: Config;
  log: Logger;
  database: Database;
  i18n: i18n;
  mailer: Mailer;
  /** Start-up work still running (server.ts); tests and tools build an app that is ready. */
  readiness?: Readiness;
}

const FORM_BODY_LIMIT = '100kb';
const REQUEST_ID = /^[\w.-]{1,64}$/;

/** Builds the Express app from the feature routers. No listen: the tests drive it directly. */
export function createApp({ config, log, database, i18n, mailer, readiness = new Readiness() }: AppDependencies): Express {
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  // Templates compiled once, in every environment: compiling the layout and the page again on
  // every request cost more than the rest of a cached page. `npm run dev` restarts on a changed view.
  app.enable('view cache');
  app.disable('x-powered-by');
  app.locals.appVersion = APP_VERSION;

  app.use(
    pinoHttp({
      logger: log,
      // Reuse a proxy's request id when it is sane, so one id follows a request end to end.
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // One line per request: method, path, status, time. Headers stay out of the logs.
      serializers: {
        // An upload form's CSRF token travels in its URL (courses/resources/pages.ts): kept out of the logs.
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/([?&]_csrf=)[^&#]*/, '$1[redacted]') }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || (req.url ?? '').startsWith('/assets/') },
    }),
  );
  app.use(securityHeaders({ https: config.secureCookies }));
  const handleError = errorHandler({ log, showStacks: !config.isProduction });
  app.use(
    '/assets',
    express.static(path.join(VIEWS_DIR, 'assets'), { maxAge: config.isProduction ? '7d' : 0, index: false }),
  );
  app.use(healthRoutes(database, readiness));
  app.use(cookieParser());
  app.use(languageMiddleware(i18n, { secureCookies: config.secureCookies }));
  app.use(requestTimeout(config.requestTimeoutMs, handleError));
  app.use(readinessGate(readiness));

  const sessionSecret = resolveSessionSecret(config);
  // Mails on enrolments and session changes (issue 5, point 6); stopSessionMails() stops them.
  startSessionMails({ mailer, config, log, i18n });
  const accounts: AccountsContext = { mailer, i18n, baseUrl: config.baseUrl, log, twoFactor: { key: deriveKey(sessionSecret) } };

  // The API authenticates with bearer tokens and never reads the session cookie.
  app.use('/api/v1', apiRouter([openapiApi(), bearerAuthentication, applyUserLanguage, referenceApi(), accountsApi(accounts), usersApi(accounts), profileApi(accounts), coursesApi(), courseDiffApi(), resourcesApi(), authoringApi(), progressApi(), calendarApi({ baseUrl: config.baseUrl }), sessionsApi(), reportsApi(), enrolmentApi(accounts), invitationApi(), attendanceApi(), settingsApi(), checkInApi({ baseUrl: config.baseUrl }), enrolmentImportApi(accounts)]));
  app.use('/api', apiRouter([]));

  // Pages: session, the signed-in person, their language, then forms with CSRF tokens.
  app.use(sessionMiddleware({ config, database, secret: sessionSecret }));
  app.use(sessionAuthentication(createPassport()));
  app.use(applyUserLanguage);
  app.use(express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT }));
  app.use(refuseUnstorableText);
  app.use(csrfProtection);
  app.use(requireTwoFactorSetup);
  app.use(homePages());
  app.use(accountPages(accounts));
  app.use(passwordResetPages(accounts));
  app.use(userPages(accounts));
  app.use(profilePages(accounts));
  app.use(twoFactorPages(accounts.twoFactor));
  app.use(coursePages());
  app.use(authoringPages());
  app.use(courseDiffPages());
  app.use(resourcePages());
  app.use(calendarPages({ baseUrl: config.baseUrl }));
  app.use(sessionPages(accounts));
  app.use(invitationAnswerPages());
  app.use(reportPages());
  app.use(attendancePages());
  app.use(dashboardPages());
  app.use(settingsPages());
  app.use(checkInPages({ baseUrl: config.baseUrl }));
  app.use(signInSheetPages());
  app.use(enrolmentImportPages(accounts));

  app.use(notFoundHandler);
  app.use(handleError);
  return app;
}
