import type { Express } from 'express';
import type { i18n } from 'i18next';
import { createApp } from '../../src/app';
import { type Config, loadConfig } from '../../src/config';
import type { Database } from '../../src/db';
import { createI18n } from '../../src/i18n';
import { testLogger } from './logger';

export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', ...overrides });
}

let sharedI18n: Promise<i18n> | undefined;

/** The real app over the test file's database; i18n loaded once per file. */
export async function buildTestApp(database: Database, overrides: NodeJS.ProcessEnv = {}): Promise<Express> {
  sharedI18n ??= createI18n();
  return createApp({ config: testConfig(overrides), log: testLogger, database, i18n: await sharedI18n });
}
