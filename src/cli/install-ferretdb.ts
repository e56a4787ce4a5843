import path from 'node:path';
import { buildFerretDb } from '../db/ferretdb-build';
import { createLogger } from '../logger';

/**
 * `npm run ferretdb:install -- DIR`: builds FerretDB 1.24.2 into DIR/ferretdb (default
 * .tools/bin). CI uses it to keep one build in a cache outside the checkout.
 */
const destination = path.resolve(process.argv[2] ?? path.join('.tools', 'bin'));
const log = createLogger({ level: 'info', pretty: false });
buildFerretDb(destination, log).then(
  (binary) => console.log(binary),
  (error: unknown) => {
    console.error(`Building FerretDB failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
