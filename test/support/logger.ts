import { createLogger } from '../../src/logger';

export const testLogger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', pretty: false });
