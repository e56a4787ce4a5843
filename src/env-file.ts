import { existsSync } from 'node:fs';
import path from 'node:path';

/** Reads `.env` when there is one (Node's own loader); real environment variables win. */
export function loadEnvFile(): void {
  const file = path.resolve('.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
