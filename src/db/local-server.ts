import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';
import { locateOrBuildFerretDb, startFerretDb } from './ferretdb';
import { findMongodBinary, startMongod } from './mongod';
import { LocalDatabaseError, NO_DATABASE_HELP } from './errors';
import { isPortOpen } from './ports';

import type { DatabaseKind, LocalDatabasePreference } from './kinds';

export type { DatabaseKind };

/** A database server this process started (or found already running for the same data). */
export interface LocalDatabase {
  kind: DatabaseKind;
  uri: string;
  description: string;
  pid: number;
  port: number;
  /** Resolves when the server process has ended, however (absent for one found already running). */
  exited?: Promise<void>;
  stop(): Promise<void>;
  /** Ends the server at once (SIGKILL), when there is no time left for stop(); only one this process started. */
  kill?(): void;
}

export interface LocalDatabaseOptions {
  /** Where the server keeps its files: `data/` for the app, a temp dir for tests. */
  dataDir: string;
  /** Where a FerretDB built with Go is kept (`.tools/`). */
  toolsDir: string;
  ferretdbPath?: string | undefined;
  prefer?: LocalDatabasePreference;
  /** A fixed port (tests restart a server where clients expect it); else a free one. */
  port?: number;
  log: Logger;
}


const LEASE_FILE = 'server.json';

/**
 * The embedded default of docs/database.md: a real mongod through mongodb-memory-server when
 * a binary is cached or can be downloaded, else FerretDB on SQLite (built with Go if needed),
 * else a LocalDatabaseError naming the three ways.
 *
 * A server already started on the same data directory by another process of this project
 * (the app while `npm run seed` runs, say) is reused rather than started twice on one set of
 * files; only the process that started a server stops it.
 */
export async function startLocalDatabase(options: LocalDatabaseOptions): Promise<LocalDatabase> {
  const running = await findRunningServer(options.dataDir);
  if (running) {
    options.log.info(`using the ${running.kind} server already running for ${options.dataDir} (pid ${running.pid})`);
    return running;
  }
  return superviseServer(options, await startNewServer(options));
}

const RESTART_PAUSE_MS = { first: 500, longest: 30_000 };

/**
 * Keeps a server this process started running: if it ends without being asked to (killed,
 * crashed), it is started again on the same port and data, with a growing pause between
 * attempts, so the connection (which keeps retrying) comes back without restarting the app.
 */
function superviseServer(options: LocalDatabaseOptions, first: LocalDatabase): LocalDatabase {
  let current = first;
  let stopping = false;
  writeLease(options.dataDir, current);

  const restart = async (ended: LocalDatabase) => {
    options.log.error(`the embedded database (pid ${ended.pid}) stopped unexpectedly; starting it again`);
    for (let attempt = 1; !stopping; attempt += 1) {
      const pauseMs = Math.min(RESTART_PAUSE_MS.longest, RESTART_PAUSE_MS.first * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, pauseMs).unref());
      if (stopping) return;
      try {
        current = await startNewServer({ ...options, port: ended.port });
      } catch (error) {
        options.log.error({ err: error }, `starting the embedded database again failed (attempt ${attempt})`);
        continue;
      }
      if (stopping) return void (await current.stop());
      writeLease(options.dataDir, current);
      options.log.warn(`the embedded database is running again (attempt ${attempt}, pid ${current.pid})`);
      watch(current);
      return;
    }
  };
  const watch = (server: LocalDatabase) => {
    void server.exited?.then(() => (stopping ? undefined : restart(server)));
  };
  watch(current);

  return {
    kind: first.kind,
    uri: first.uri,
    description: first.description,
    port: first.port,
    get pid() {
      return current.pid;
    },
    stop: async () => {
      stopping = true;
      await current.stop();
      removeLease(options.dataDir, current.pid);
    },
    kill: () => {
      stopping = true;
      try {
        process.kill(current.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      removeLease(options.dataDir, current.pid);
    },
  };
}

async function startNewServer(options: LocalDatabaseOptions): Promise<LocalDatabase> {
  const mongodDir = path.join(options.dataDir, 'mongodb');
  const ferretDir = path.join(options.dataDir, 'ferretdb');
  // Data written by FerretDB stays with FerretDB: switching to an empty mongod because a
  // download happened to succeed would look like lost data.
  const prefer = options.prefer ?? 'auto';
  const keepFerret = prefer === 'auto' && existsSync(ferretDir) && !existsSync(mongodDir);
  if (prefer !== 'ferretdb' && !keepFerret) {
    if (await findMongodBinary(options.log)) {
      return startMongod({ dataDir: mongodDir, log: options.log, port: options.port });
    }
    if (prefer === 'mongodb') throw new LocalDatabaseError(`LOCAL_DATABASE=mongodb, but no MongoDB binary is available.\n\n${NO_DATABASE_HELP}`);
  }
  const binary = await locateOrBuildFerretDb({
    explicitPath: options.ferretdbPath,
    toolsDir: options.toolsDir,
    log: options.log,
  });
  return startFerretDb({ binary, dataDir: ferretDir, log: options.log, port: options.port });
}

interface Lease {
  kind: DatabaseKind;
  uri: string;
  description: string;
  pid: number;
  port: number;
}

async function findRunningServer(dataDir: string): Promise<LocalDatabase | undefined> {
  const file = path.join(dataDir, LEASE_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const lease = JSON.parse(readFileSync(file, 'utf8')) as Lease;
    if (isAlive(lease.pid) && (await isPortOpen(lease.port))) {
      return { ...lease, stop: async () => undefined };
    }
  } catch {
    // A corrupt or stale lease is simply replaced.
  }
  rmSync(file, { force: true });
  return undefined;
}

function writeLease(dataDir: string, server: LocalDatabase): void {
  const lease: Lease = {
    kind: server.kind,
    uri: server.uri,
    description: server.description,
    pid: server.pid,
    port: server.port,
  };
  writeFileSync(path.join(dataDir, LEASE_FILE), JSON.stringify(lease, null, 2));
}

function removeLease(dataDir: string, pid: number): void {
  const file = path.join(dataDir, LEASE_FILE);
  try {
    if ((JSON.parse(readFileSync(file, 'utf8')) as Lease).pid === pid) rmSync(file, { force: true });
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
