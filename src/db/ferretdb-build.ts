import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger';

const run = promisify(execFile);

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

/**
 * Builds FerretDB from the Go module proxy into `destinationDir/ferretdb`.
 *
 * Why not `go install …@v1.24.2`: that command asks the proxy for the module's version list
 * to look for deprecation notices, which this project's machines may not reach, and FerretDB
 * refuses to start unless `build/version/version.txt` (normally generated from git) exists.
 * So: download the exact module, copy it somewhere writable, add version.txt, `go build`.
 */
export async function buildFerretDb(destinationDir: string, log: Logger): Promise<string> {
  const startedAt = Date.now();
  const heartbeat = setInterval(() => {
    log.info(`still building FerretDB (${Math.round((Date.now() - startedAt) / 1000)} s so far; a first build takes a few minutes)`);
  }, 15_000);
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'ferretdb-build-'));
  try {
    log.info(`step 1/3: downloading the FerretDB ${FERRETDB_VERSION} source through the Go module proxy`);
    const { stdout } = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
      cwd: workDir,
      maxBuffer: 10 * 1024 * 1024,
    });
    const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
    if (!moduleDir) throw new Error('go mod download did not report a module directory');

    const sourceDir = path.join(workDir, 'src');
    await cp(moduleDir, sourceDir, { recursive: true });
    await makeWritable(sourceDir);
    await writeFile(path.join(sourceDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);

    log.info('step 2/3: compiling FerretDB with Go (dependencies are downloaded on the first build)');
    await mkdir(destinationDir, { recursive: true });
    const binary = path.join(destinationDir, 'ferretdb');
    await run('go', ['build', '-trimpath', '-o', binary, './cmd/ferretdb'], {
      cwd: sourceDir,
      maxBuffer: 10 * 1024 * 1024,
      env: { ...process.env, CGO_ENABLED: process.env.CGO_ENABLED ?? '1' },
    });
    log.info(`step 3/3: FerretDB built in ${Math.round((Date.now() - startedAt) / 1000)} s at ${binary}`);
    return binary;
  } finally {
    clearInterval(heartbeat);
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Files in Go's module cache are read-only; the copy must accept version.txt. */
async function makeWritable(dir: string): Promise<void> {
  await run('chmod', ['-R', 'u+w', dir]);
  await chmod(dir, 0o755);
}
