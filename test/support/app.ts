import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import type { i18n } from 'i18next';
import { createApp } from '../../src/app';
import { type Config, loadConfig } from '../../src/config';
import type { Database } from '../../src/db';
import { createI18n } from '../../src/i18n';
import { createMailer } from '../../src/mail/mailer';
import type { Readiness } from '../../src/http/readiness';
import { testLogger } from './logger';

/** Fixed in tests, so a test can derive the key that encrypts TOTP secrets (two-factor.ts). */
export const TEST_SESSION_SECRET = 'test-session-secret-of-at-least-32-characters';

export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: TEST_SESSION_SECRET,
    // Development mail (.eml files) and anything else on disk stays out of the checkout.
    DATA_DIR: path.join(os.tmpdir(), 'liaise-test-data'),
    ...overrides,
  });
}

const i18nByDefaultLanguage = new Map<string, Promise<i18n>>();

/** The real app over the test file's database; i18n loaded once per file and default language. */
export async function buildTestApp(database: Database, overrides: NodeJS.ProcessEnv = {}, options: { readiness?: Readiness } = {}): Promise<Express> {
  const config = testConfig(overrides);
  if (!i18nByDefaultLanguage.has(config.defaultLanguage)) {
    i18nByDefaultLanguage.set(config.defaultLanguage, createI18n({ defaultLanguage: config.defaultLanguage }));
  }
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    dataDir: config.dataDir,
    isProduction: false,
    log: testLogger,
  });
  return createApp({ config, log: testLogger, database, i18n: await i18nByDefaultLanguage.get(config.defaultLanguage)!, mailer, ...options });
}
