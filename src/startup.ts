import { ensureBootstrapAdmin } from './accounts/bootstrap';
import type { Config } from './config';
import { describeImport, importModules } from './courses/import';
import { migrateProgressIds } from './courses/progress';
import type { Logger } from './logger';
import { seedReferenceData } from './reference/seed';

/**
 * What a fresh installation needs before anyone uses it (reference data, first admin, the
 * training modules), and what `npm run seed` repeats.
 * Every step is idempotent: running it on every start changes nothing the second time.
 */
export async function prepareDatabase(config: Pick<Config, 'admin'>, log: Logger): Promise<void> {
  const report = await seedReferenceData();
  for (const [collection, counts] of Object.entries(report)) {
    log.info(`reference data, ${collection}: ${counts.inserted} added, ${counts.updated} updated, ${counts.unchanged} unchanged`);
  }
  if (config.admin) await ensureBootstrapAdmin(config.admin, log);
  const moved = await migrateProgressIds();
  if (moved > 0) log.info(`course progress: ${moved} records moved to ids derived from learner and course`);
  // A bad module file must not keep the site down: it is reported, the rest is loaded.
  const { info, warnings } = describeImport(await importModules());
  for (const line of info) log.info(line);
  for (const line of warnings) log.warn(line);
}
