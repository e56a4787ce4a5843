import { describeImport, importModules } from '../courses/import';
import { runWithDatabase } from './run-with-database';

/**
 * `npm run modules:import`: loads modules/ into the database, idempotently. Exits with 1 when a
 * file is malformed or a published version's files changed, so a deployment script notices.
 */
void runWithDatabase(async ({ log }) => {
  const { info, warnings } = describeImport(await importModules());
  for (const line of info) log.info(line);
  for (const line of warnings) log.warn(line);
  if (warnings.length > 0) throw new Error(`${warnings.length} problem(s) in modules/: see above`);
});
