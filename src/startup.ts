import { ensureBootstrapAdmin } from './accounts/bootstrap';
import type { Config } from './config';
import type { Logger } from './logger';
import { seedReferenceData } from './reference/seed';

/**
 * What a fresh installation needs before anyone uses it, and what `npm run seed` repeats.
 * Every step is idempotent: running it on every start changes nothing the second time.
 */
export async function prepareDatabase(config: Pick<Config, 'admin'>, log: Logger): Promise<void> {
  const report = await seedReferenceData();
  for (const [collection, counts] of Object.entries(report)) {
    log.info(`reference data, ${collection}: ${counts.inserted} added, ${counts.updated} updated, ${counts.unchanged} unchanged`);
  }
  if (config.admin) await ensureBootstrapAdmin(config.admin, log);
}
