import type { Server } from 'node:http';
import { createApp } from './app';
import { type Config, ConfigError, loadConfig } from './config';
import { type LocalDatabase, LocalDatabaseError, openDatabase, resolveDatabase } from './db';
import { loadEnvFile } from './env-file';
import { createI18n } from './i18n';
import { createLogger, type Logger } from './logger';
import { createMailer } from './mail/mailer';
import { startReminderScheduler } from './notifications/reminders';
import { activeSessionMails } from './notifications/session-mails';
import { prepareDatabase } from './startup';
import { Readiness } from './http/readiness';
import { startRecountRunner } from './attendance/recount-job';
import { APP_VERSION } from './version';

const SHUTDOWN_GRACE_MS = 10_000;
const DATABASE_CLOSE_MS = 3_000;

/** Resolves when `work` does, or after `ms` at the latest. */
function withinMs(work: Promise<void>, ms: number): Promise<void> {
  return Promise.race([work.catch(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
}

function readConfig(): Config {
  loadEnvFile();
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger({ level: config.logLevel, pretty: config.env === 'development' });
  log.info(`LIAISE Learning ${APP_VERSION} starting (${config.env})`);

  let resolved: { uri: string; local?: LocalDatabase };
  try {
    resolved = await resolveDatabase(config, log);
  } catch (error) {
    if (error instanceof LocalDatabaseError) {
      log.fatal(error.message);
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const database = openDatabase({ uri: resolved.uri, log });
  const i18n = await createI18n({ defaultLanguage: config.defaultLanguage });
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    dataDir: config.dataDir,
    isProduction: config.isProduction,
    log,
  });
  log.info(`mail: ${mailer.describe()}`);
  // Pages and the API say "starting" until the reference data and the modules are in place.
  const readiness = new Readiness('preparing the database (reference data, modules)');
  const app = createApp({ config, log, database, i18n, mailer, readiness });
  const server = app.listen(config.port, config.host, () => {
    log.info(`listening on ${config.baseUrl} (port ${config.port})`);
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    const reason = error.code === 'EADDRINUSE' ? `port ${config.port} is already in use (set PORT to another one)` : error.message;
    log.fatal(`cannot listen: ${reason}`);
    void Promise.allSettled([database.close(), resolved.local?.stop()]).then(() => process.exit(1));
  });

  // Then a recount of who is trained left half-done by a stop or a crash is finished.
  let recounts: { stop(): void } | undefined;
  void prepareUntilDone(() => database.whenConnected().then(() => prepareDatabase(config, log)), readiness, log).then(() => {
    recounts = startRecountRunner(log);
  });

  // Reminders two days before day 1: claimed per person in the database, so any number of instances may run it.
  const reminders = startReminderScheduler({ mailer, config, log, i18n });
  installShutdown({
    server,
    log,
    // A database that does not answer must not hold the stop: its connection gets a few seconds.
    close: [() => reminders.stop(), async () => recounts?.stop(), () => activeSessionMails()?.idle(), () => withinMs(database.close(), DATABASE_CLOSE_MS), () => resolved.local?.stop()],
    // Out of time: the embedded database goes with the app rather than stay behind, paused or not.
    lastResort: () => resolved.local?.kill?.(),
  });
}

/** Runs the start-up work until it succeeds (retrying with a growing pause), then marks the app ready. */
async function prepareUntilDone(prepare: () => Promise<void>, readiness: Readiness, log: Logger): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await prepare();
      readiness.markReady();
      log.info('ready');
      return;
    } catch (error) {
      const pauseMs = Math.min(60_000, 2_000 * 2 ** Math.min(attempt - 1, 5));
      log.error({ err: error }, `preparing the database failed (attempt ${attempt}); trying again in ${Math.round(pauseMs / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, pauseMs).unref());
    }
  }
}

/** Finishes in-flight requests, then closes the database and any server this process started. */
function installShutdown(options: { server: Server; log: Logger; close: Array<() => Promise<void> | undefined>; lastResort: () => void }) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    options.log.info(`${signal} received: finishing requests in flight, then stopping`);
    const force = setTimeout(() => {
      options.log.error('requests did not finish in time; stopping anyway');
      options.lastResort();
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    await new Promise<void>((resolve) => {
      options.server.close(() => resolve());
      options.server.closeIdleConnections();
    });
    for (const close of options.close) await close();
    options.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
