import { prepareDatabase } from '../startup';
import { runWithDatabase } from './run-with-database';

/** `npm run seed`: the reference data (and the bootstrap admin), idempotently. */
void runWithDatabase(({ config, log }) => prepareDatabase(config, log));
