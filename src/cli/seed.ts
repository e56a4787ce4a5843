import { prepareDatabase } from '../startup';
import { runWithDatabase } from './run-with-database';

/** `npm run seed`: the reference data, the bootstrap admin and the training modules, idempotently. */
void runWithDatabase(({ config, log }) => prepareDatabase(config, log));
