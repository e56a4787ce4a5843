import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

/**
 * SESSION_SECRET, or outside production one generated once and kept in DATA_DIR, so a
 * developer's sign-in (and anything keyed on the secret) survives restarts. Production
 * refuses to start without the variable (config.ts).
 */
export function resolveSessionSecret(config: Pick<Config, 'sessionSecret' | 'dataDir' | 'env'>): string {
  if (config.sessionSecret) return config.sessionSecret;
  if (config.env === 'test') return randomBytes(32).toString('hex');
  const file = path.join(config.dataDir, '.session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
