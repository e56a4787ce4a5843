/**
 * What the benchmarks share: a throwaway database (MONGODB_URI when given, else an embedded
 * FerretDB in a temporary folder; seeded with the reference data and the modules; dropped and
 * removed by `close()`), the real app over HTTP on it, the command-line options, and the runner.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { importModules } from '../src/courses/import';
import { type Database, type LocalDatabase, openDatabase, TOOLS_DIR } from '../src/db';
import { startLocalDatabase } from '../src/db/local-server';
import { createI18n } from '../src/i18n';
import { createLogger } from '../src/logger';
import { createMailer } from '../src/mail/mailer';
import { activeSessionMails, stopSessionMails } from '../src/notifications/session-mails';
import { seedReferenceData } from '../src/reference/seed';

/** `--name N` or `--name=N` on the command line: a whole number of at least 1, else `fallback`. */
export function numberOption(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const inline = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  const raw = inline ? inline.split('=')[1] : index >= 0 ? process.argv[index + 1] : undefined;
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a whole number of at least 1 (got ${raw})`);
    process.exit(2);
  }
  return value;
}

export interface BenchDatabase {
  database: Database;
  /** A scratch folder for the app's own files (DATA_DIR). */
  workDir: string;
  log: ReturnType<typeof createLogger>;
  close(): Promise<void>;
}

/** `monitorCommands`: the driver emits command events (bench/pages.ts counts reads per request). */
export async function openBenchDatabase(name: string, options: { monitorCommands?: boolean } = {}): Promise<BenchDatabase> {
  const log = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'warn', pretty: false });
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'liaise-bench-'));
  let local: LocalDatabase | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    local = await startLocalDatabase({
      dataDir: path.join(workDir, 'db'),
      toolsDir: TOOLS_DIR,
      ferretdbPath: process.env.FERRETDB_PATH,
      prefer: (process.env.LOCAL_DATABASE as 'auto' | 'mongodb' | 'ferretdb' | undefined) ?? 'ferretdb',
      log,
    });
    uri = local.uri;
  }
  const dbName = `bench_${name}_${randomBytes(3).toString('hex')}`;
  const database = openDatabase({ uri, dbName, log, monitorCommands: options.monitorCommands });
  await database.whenConnected();
  console.log(`database: ${local?.description ?? 'MONGODB_URI'} (${dbName})`);
  await seedReferenceData();
  await importModules();
  return {
    database,
    workDir,
    log,
    close: async () => {
      if (mongoose.connection.db) await mongoose.connection.db.dropDatabase().catch(() => undefined);
      await database.close().catch(() => undefined);
      await local?.stop().catch(() => undefined);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** The bench app's session secret: a bench that turns two-factor on for an account encrypts its secret with it. */
export const BENCH_SESSION_SECRET = 'bench-session-secret-of-at-least-32-characters';

/**
 * The real app listening on a free port of 127.0.0.1, on the bench database, its mails written
 * as files in the scratch folder. `close()` lets the mails in flight finish, then stops it.
 */
export async function startBenchApp(bench: BenchDatabase): Promise<{ api: string; site: string; close(): Promise<void> }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: BENCH_SESSION_SECRET,
    DATA_DIR: path.join(bench.workDir, 'data'),
  });
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir, isProduction: false, log: bench.log });
  const app = createApp({ config, log: createLogger({ level: process.env.BENCH_APP_LOG ?? 'silent', pretty: false }), database: bench.database, i18n: await createI18n(), mailer });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    api: `${site}/api/v1`,
    site,
    close: async () => {
      await activeSessionMails()?.idle().catch(() => undefined);
      stopSessionMails();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs a benchmark and exits with the code it returns (0 when none), or 1 when it throws. */
export function runBench(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
