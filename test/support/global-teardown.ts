import { rmSync } from 'node:fs';
import type { LocalDatabase } from '../../src/db';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as { __testDatabase?: { server: LocalDatabase; dataDir: string } }).__testDatabase;
  if (!state) return;
  await state.server.stop();
  rmSync(state.dataDir, { recursive: true, force: true });
}
