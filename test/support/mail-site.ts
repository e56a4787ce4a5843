/**
 * The set-up of tests that follow mail: reference data and the modules in the test database,
 * a real SMTP server, and the app sending to it; the server stopped after the file's tests.
 */
import type { Express } from 'express';
import { importModules } from '../../src/courses/import';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from './app';
import type { useTestDatabase } from './database';
import { startTestSmtpServer, type TestSmtpServer } from './smtp';

export interface MailSite {
  readonly app: Express;
  readonly smtp: TestSmtpServer;
}

export function useMailSite(db: ReturnType<typeof useTestDatabase>): MailSite {
  let app: Express | undefined;
  let smtp: TestSmtpServer | undefined;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    await seedReferenceData();
    expect((await importModules()).problems).toEqual([]);
    app = await buildTestApp(db.database(), { SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await smtp?.stop();
  });
  return {
    get app() {
      return app!;
    },
    get smtp() {
      return smtp!;
    },
  };
}
