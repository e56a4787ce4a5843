import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TOOLS_DIR } from '../../src/db';
import type { DatabaseKind } from '../../src/db/kinds';
import { type LocalDatabase, startLocalDatabase } from '../../src/db/local-server';
import { testLogger } from './logger';

/** The kind the global set-up found; tests that start servers of their own use the same. */
export function testDatabaseKind(): DatabaseKind {
  return process.env.TEST_DATABASE_KIND === 'mongodb' ? 'mongodb' : 'ferretdb';
}

export function temporaryDirectory(prefix: string): { path: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A database server of the test's own, which it may stop and start again. */
export function startOwnServer(dataDir: string, port?: number): Promise<LocalDatabase> {
  return startLocalDatabase({
    dataDir,
    toolsDir: TOOLS_DIR,
    ferretdbPath: process.env.FERRETDB_PATH,
    prefer: testDatabaseKind(),
    ...(port ? { port } : {}),
    log: testLogger,
  });
}

export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await probe();
  }
  return last;
}
