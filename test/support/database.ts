import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { type Database, openDatabase } from '../../src/db';
import { testLogger } from './logger';

export function testDatabaseUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run the tests through jest (global setup)');
  return uri;
}

/** A database name of this test file's own, so files never see each other's data. */
export function uniqueDatabaseName(testFile: string): string {
  const base = path.basename(testFile).replace(/\.test\.ts$/, '').replace(/[^a-z0-9]+/gi, '_').slice(0, 30);
  return `t_${base}_${randomBytes(3).toString('hex')}`;
}

/**
 * Connects Mongoose to a fresh database for the calling test file and drops it afterwards.
 * Call at the top level of a test file: `const db = useTestDatabase(__filename);`.
 * `monitorCommands`: the driver emits an event per database command (test/support/round-trips.ts).
 */
export function useTestDatabase(testFile: string, options: { monitorCommands?: boolean } = {}): { database: () => Database; name: string } {
  const name = uniqueDatabaseName(testFile);
  let database: Database | undefined;
  beforeAll(async () => {
    // Command monitoring (the driver's commandStarted events) only where a test counts round trips.
    database = openDatabase({ uri: testDatabaseUri(), dbName: name, log: testLogger, monitorCommands: options.monitorCommands });
    await database.whenConnected();
  });
  afterAll(async () => {
    if (mongoose.connection.db) await mongoose.connection.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });
  return {
    name,
    database: () => {
      if (!database) throw new Error('the test database is only available inside tests');
      return database;
    },
  };
}
