/**
 * A throwaway database for a benchmark: MONGODB_URI when given, else an embedded FerretDB in a
 * temporary folder; seeded with the reference data and the modules; removed by `close()`.
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
