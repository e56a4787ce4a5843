import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { PROJECT_ROOT } from '../version';
import { type LocalDatabase, startLocalDatabase } from './local-server';

export { openDatabase, type Database } from './connection';
export type { DatabaseKind, LocalDatabase } from './local-server';
export { LocalDatabaseError } from './errors';

export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');

/**
 * docs/database.md, step 1 and 2: MONGODB_URI when set, else the embedded local server
 * (whose data lives in DATA_DIR). Used alike by the server, the CLI and the test set-up.
 */
export async function resolveDatabase(
  config: Pick<Config, 'mongodbUri' | 'dataDir' | 'ferretdbPath' | 'localDatabase'>,
  log: Logger,
): Promise<{ uri: string; local?: LocalDatabase }> {
  if (config.mongodbUri) {
    log.info('using the database server from MONGODB_URI');
    return { uri: config.mongodbUri };
  }
  const local = await startLocalDatabase({
    dataDir: config.dataDir,
    toolsDir: TOOLS_DIR,
    ferretdbPath: config.ferretdbPath,
    prefer: config.localDatabase,
    log,
  });
  log.info(`embedded database: ${local.description}`);
  return { uri: local.uri, local };
}
