import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';
import { buildFerretDb, FERRETDB_VERSION } from './ferretdb-build';
import { LocalDatabaseError, NO_DATABASE_HELP } from './errors';
import { findFreePort, isPortOpen } from './ports';
import type { LocalDatabase } from './local-server';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

/** FERRETDB_PATH, then the project's .tools/bin, then PATH. */
export function locateFerretDb(options: { explicitPath?: string | undefined; toolsDir: string }): string | undefined {
  if (options.explicitPath) {
    if (!isExecutable(options.explicitPath)) {
      throw new LocalDatabaseError(`FERRETDB_PATH points at ${options.explicitPath}, which is not an executable file.`);
    }
    return options.explicitPath;
  }
  const local = path.join(options.toolsDir, 'bin', 'ferretdb');
  if (isExecutable(local)) return local;
  return onPath('ferretdb');
}

export async function locateOrBuildFerretDb(options: {
  explicitPath?: string | undefined;
  toolsDir: string;
  log: Logger;
}): Promise<string> {
  const found = locateFerretDb(options);
  if (found) return found;
  if (!onPath('go')) throw new LocalDatabaseError(NO_DATABASE_HELP);
  options.log.info(`FerretDB ${FERRETDB_VERSION} not found: building it once with Go into ${options.toolsDir}/bin`);
  try {
    return await buildFerretDb(path.join(options.toolsDir, 'bin'), options.log);
  } catch (error) {
    throw new LocalDatabaseError(`Building FerretDB with Go failed: ${(error as Error).message}\n\n${NO_DATABASE_HELP}`);
  }
}

export function ferretDbVersion(binary: string): string {
  const output = execFileSync(binary, ['--version'], { encoding: 'utf8' });
  return /version:\s*(\S+)/.exec(output)?.[1] ?? 'unknown';
}

/** Starts FerretDB with its SQLite backend, storing its files in `dataDir`. */
export async function startFerretDb(options: {
  binary: string;
  dataDir: string;
  log: Logger;
  port?: number | undefined;
}): Promise<LocalDatabase> {
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await findFreePort());
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${options.dataDir}/`,
    `--state-dir=${options.dataDir}`,
    `--listen-addr=127.0.0.1:${port}`,
    // Its default debug listener is a fixed port; two instances (app and tests) would collide.
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=error',
  ];
  const child = spawn(options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  await waitUntilListening(child, port, () => output);
  child.stdout?.off('data', collect);
  child.stderr?.off('data', collect);
  child.stderr?.on('data', (chunk: Buffer) => options.log.warn({ ferretdb: chunk.toString().trim() }, 'FerretDB says'));

  return {
    kind: 'ferretdb',
    uri: `mongodb://127.0.0.1:${port}/`,
    description: `FerretDB ${ferretDbVersion(options.binary)} (SQLite in ${options.dataDir}) on 127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    port,
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
    stop: () => stopChild(child),
  };
}

async function waitUntilListening(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new LocalDatabaseError(`FerretDB exited during start-up (code ${child.exitCode}):\n${output()}`);
    }
    if (await isPortOpen(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new LocalDatabaseError(`FerretDB did not start listening on port ${port} within 30 s:\n${output()}`);
}

export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
