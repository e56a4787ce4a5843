import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TOOLS_DIR } from '../../src/db';
import { startLocalDatabase } from '../../src/db/local-server';
import { createLogger } from '../../src/logger';

/**
 * Starts the database server exactly as the app does (docs/database.md): MONGODB_URI if set,
 * else mongod through mongodb-memory-server, else FerretDB. Each test file then works in a
 * database of its own on this server (test/support/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'warn', pretty: false });
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    process.env.TEST_DATABASE_KIND = process.env.TEST_DATABASE_KIND ?? 'unknown';
    return;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'liaise-test-db-'));
  const server = await startLocalDatabase({
    dataDir,
    toolsDir: TOOLS_DIR,
    ferretdbPath: process.env.FERRETDB_PATH,
    prefer: (process.env.LOCAL_DATABASE as 'auto' | 'mongodb' | 'ferretdb' | undefined) ?? 'auto',
    log,
  });
  console.log(`\n[tests] database: ${server.description}`);
  process.env.TEST_MONGODB_URI = server.uri;
  process.env.TEST_DATABASE_KIND = server.kind;
  // Spawned servers in the tests skip the slow search for a mongod that isn't there.
  process.env.LOCAL_DATABASE = server.kind;
  (globalThis as { __testDatabase?: unknown }).__testDatabase = { server, dataDir };
}
