import mongoose from 'mongoose';
import type { Logger } from '../logger';
import type { DatabaseKind } from './kinds';
import { acknowledgeUnacknowledgedWrites } from './unacknowledged-writes';

// Queries fail at once while the database is away (the request gets a 503) instead of
// waiting in Mongoose's buffer; user input is never read as a query operator.
mongoose.set('bufferCommands', false);
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

export const DEFAULT_DATABASE_NAME = 'liaise';
const RETRY_EVERY_MS = 5000;

/** The application's one connection, and what /healthz needs to know about it. */
export interface Database {
  readonly connection: mongoose.Connection;
  /** The database this app works in (known before the first connection succeeds). */
  readonly name: string;
  kind(): DatabaseKind | undefined;
  isConnected(): boolean;
  /** Round-trip to the server; false when it does not answer within the time. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** Resolves once the first connection succeeded (immediately if it already has). */
  whenConnected(): Promise<void>;
  close(): Promise<void>;
}

/** Hides credentials when a URI is logged. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}

/** The database named in a URI's path (`mongodb://host/name`), if any. */
export function databaseNameIn(uri: string): string | undefined {
  const withoutScheme = uri.replace(/^mongodb(\+srv)?:\/\//, '');
  const slash = withoutScheme.indexOf('/');
  if (slash < 0) return undefined;
  const name = decodeURIComponent(withoutScheme.slice(slash + 1).split('?')[0] ?? '');
  return name || undefined;
}

async function detectKind(connection: mongoose.Connection): Promise<DatabaseKind> {
  const info = await connection.db!.admin().buildInfo();
  return typeof info.ferretdbVersion === 'string' ? 'ferretdb' : 'mongodb';
}

/**
 * Connects, and keeps trying in the background when the server is not there yet: the app
 * starts, answers 503 meanwhile, and recovers by itself, instead of crashing in a loop.
 */
export function openDatabase(options: {
  uri: string;
  dbName?: string;
  log: Logger;
  /** Driver command events (commandStarted/Succeeded) for benchmarks that count reads; off by default, as each reply is then decoded once more. */
  monitorCommands?: boolean;
}): Database {
  const connection = mongoose.connection;
  const name = options.dbName ?? databaseNameIn(options.uri) ?? DEFAULT_DATABASE_NAME;
  let kind: DatabaseKind | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let markConnected!: () => void;
  const connected = new Promise<void>((resolve) => {
    markConnected = resolve;
  });

  connection.on('disconnected', () => {
    if (!closed) options.log.warn('lost the connection to the database; requests get 503 until it is back');
  });
  connection.on('reconnected', () => options.log.info('database connection is back'));

  const attempt = async (): Promise<void> => {
    try {
      await mongoose.connect(options.uri, {
        dbName: name,
        serverSelectionTimeoutMS: 5000,
        // An operation waiting on a server that stopped answering (paused, half-dead) fails
        // after this instead of holding its connection forever; pages have already answered
        // 503 by then (REQUEST_TIMEOUT_SECONDS). Idempotent reads are retried once on a
        // network error by the driver itself (retryReads, on by default).
        socketTimeoutMS: 60_000,
        // No more than this waiting for a free connection in a crowd.
        waitQueueTimeoutMS: 30_000,
        ...(options.monitorCommands ? { monitorCommands: true } : {}),
      });
      kind = await detectKind(connection);
      // Before anything else writes: FerretDB 1.24 answers `w: 0` writes, and the unread answer
      // would reach the next command on that connection (unacknowledged-writes.ts).
      if (kind === 'ferretdb' && !acknowledgeUnacknowledgedWrites(true)) {
        options.log.warn('could not make w:0 writes acknowledged on FerretDB (unexpected mongodb driver version); their answers may reach other queries');
      }
      options.log.info(`connected to ${kind === 'ferretdb' ? 'FerretDB' : 'MongoDB'} at ${redactUri(options.uri)}`);
      markConnected();
    } catch (error) {
      if (closed) return;
      options.log.error(
        `cannot reach the database at ${redactUri(options.uri)} (${(error as Error).message}); ` +
          `retrying every ${RETRY_EVERY_MS / 1000} s — requests get 503 meanwhile`,
      );
      await mongoose.disconnect().catch(() => undefined);
      retryTimer = setTimeout(() => void attempt(), RETRY_EVERY_MS);
    }
  };
  void attempt();

  return {
    connection,
    name,
    kind: () => kind,
    isConnected: () => connection.readyState === mongoose.ConnectionStates.connected,
    async ping(timeoutMs = 2000) {
      if (!connection.db) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const answer = connection.db
        .admin()
        .ping({ maxTimeMS: timeoutMs })
        .then(() => true)
        .catch(() => false);
      try {
        return await Promise.race([answer, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    whenConnected: () => connected,
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await mongoose.disconnect();
    },
  };
}
