/** The embedded database could not be started; the message tells a person what to do. */
export class LocalDatabaseError extends Error {
  override name = 'LocalDatabaseError';
}

export const NO_DATABASE_HELP = [
  'No database server is available. Choose one of these three ways:',
  '  1. Set MONGODB_URI to an existing MongoDB or FerretDB server (e.g. mongodb://127.0.0.1:27017/liaise).',
  '  2. Let mongodb-memory-server download a MongoDB binary (needs access to fastdl.mongodb.org),',
  '     or point MONGOMS_SYSTEM_BINARY at an installed mongod.',
  '  3. Install FerretDB 1.24.2 (put `ferretdb` on PATH, in .tools/bin/, or set FERRETDB_PATH),',
  '     or install Go so that it can be built once into .tools/bin/.',
].join('\n');
