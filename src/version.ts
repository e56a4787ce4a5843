import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The project root, whether running from src/ (tsx, jest) or dist/src/ (compiled). */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    try {
      readFileSync(path.join(dir, 'package.json'));
      return dir;
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) throw new Error(`package.json not found above ${start}`);
      dir = parent;
    }
  }
}

export const APP_VERSION: string = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
