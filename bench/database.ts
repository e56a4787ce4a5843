/**
 * A throwaway database for a benchmark: MONGODB_URI when given, else an embedded FerretDB in a
 * temporary folder; seeded with the reference data and the modules; removed by `close()`.
 * Also the command-line options the benchmarks share.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importModules } from '../src/courses/import';
import { type Database, type LocalDatabase, openDatabase, TOOLS_DIR } from '../src/db';
import { startLocalDatabase } from '../src/db/local-server';
import { createLogger } from '../src/logger';
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

export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
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
  const database = openDatabase({ uri, dbName, log });
  await database.whenConnected();
  console.log(`database: ${local?.description ?? 'MONGODB_URI'} (${dbName})`);
  await seedReferenceData();
  await importModules();
  return {
    database,
    workDir,
    log,
    close: async () => {
      await database.close().catch(() => undefined);
      await local?.stop().catch(() => undefined);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
