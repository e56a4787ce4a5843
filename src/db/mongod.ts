import { mkdirSync } from 'node:fs';
import { MongoBinary, MongoMemoryServer } from 'mongodb-memory-server-core';
import type { Logger } from '../logger';
import type { LocalDatabase } from './local-server';

/**
 * Finds a mongod binary: the mongodb-memory-server cache, MONGOMS_SYSTEM_BINARY, or a
 * download. Resolves to undefined when none can be had (e.g. no internet), so the caller can
 * fall back to FerretDB.
 */
export async function findMongodBinary(log: Logger): Promise<string | undefined> {
  try {
    log.info('looking for a MongoDB binary (cached, or downloaded by mongodb-memory-server)');
    return await MongoBinary.getPath();
  } catch (error) {
    log.info(`no MongoDB binary available (${(error as Error).message.replace(/\s+/g, ' ').trim()}); trying FerretDB`);
    return undefined;
  }
}

export async function startMongod(options: { dataDir?: string; log: Logger; port?: number | undefined }): Promise<LocalDatabase> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: {
      ip: '127.0.0.1',
      ...(options.port ? { port: options.port } : {}),
      ...(options.dataDir ? { dbPath: options.dataDir, storageEngine: 'wiredTiger' as const } : {}),
    },
  });
  const port = Number(new URL(server.getUri()).port);
  const child = server.instanceInfo?.instance.mongodProcess;
  return {
    kind: 'mongodb',
    uri: `mongodb://127.0.0.1:${port}/`,
    description: `MongoDB ${server.opts.binary?.version ?? ''} (mongodb-memory-server${options.dataDir ? `, data in ${options.dataDir}` : ', temporary'}) on 127.0.0.1:${port}`,
    pid: child?.pid ?? 0,
    port,
    ...(child ? { exited: new Promise<void>((resolve) => child.once('exit', () => resolve())) } : {}),
    // A persistent data directory must survive the stop; a temporary one is removed.
    stop: async () => {
      await server.stop({ doCleanup: !options.dataDir, force: false });
    },
  };
}
