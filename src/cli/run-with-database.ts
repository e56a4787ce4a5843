import { ConfigError, type Config, loadConfig } from '../config';
import { LocalDatabaseError, openDatabase, resolveDatabase } from '../db';
import { loadEnvFile } from '../env-file';
import { createLogger, type Logger } from '../logger';

const CONNECT_TIMEOUT_MS = 30_000;

function giveUpAfter(ms: number): Promise<never> {
  return new Promise((_resolve, reject) => {
    setTimeout(() => reject(new Error(`the database did not answer within ${ms / 1000} s`)), ms).unref();
  });
}

/**
 * Runs a command-line task against the same database the server would use (MONGODB_URI or
 * the embedded server, shared with a running app), then closes everything and exits.
 */
export async function runWithDatabase(task: (context: { config: Config; log: Logger }) => Promise<void>): Promise<void> {
  loadEnvFile();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const log = createLogger({ level: config.logLevel, pretty: config.env === 'development' });
  let exitCode = 0;
  try {
    const resolved = await resolveDatabase(config, log);
    const database = openDatabase({ uri: resolved.uri, log });
    try {
      await Promise.race([database.whenConnected(), giveUpAfter(CONNECT_TIMEOUT_MS)]);
      await task({ config, log });
    } finally {
      await database.close();
      await resolved.local?.stop();
    }
  } catch (error) {
    exitCode = 1;
    if (error instanceof LocalDatabaseError) console.error(`\n${error.message}\n`);
    else log.error({ err: error }, 'the command failed');
  }
  log.flush();
  process.exit(exitCode);
}
