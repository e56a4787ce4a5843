import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/version';
import { createI18n } from '../../src/i18n';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages';

/**
 * The versions that fixed published advisories (issue: headers and hygiene). Each package the
 * product depends on must be installed at or above its fix; multer joins with uploads.
 */
const FIXED_IN: Record<string, string> = {
  multer: '2.2.0',
  ejs: '3.1.10',
  'express-session': '1.18.2',
  'i18next-http-middleware': '3.9.7',
  'i18next-fs-backend': '2.6.6',
};

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

function atLeast(version: string, minimum: string): boolean {
  const parts = (text: string) => text.split('-')[0]!.split('.').map(Number);
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i += 1) if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  return true;
}

const dependencies = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;

it.each(Object.entries(FIXED_IN).filter(([name]) => name in dependencies))('%s is at or above %s', (name, minimum) => {
  expect({ name, version: installedVersion(name), fixed: atLeast(installedVersion(name), minimum) }).toEqual({ name, version: installedVersion(name), fixed: true });
});

it('compares versions numerically, not as text', () => {
  expect(atLeast('3.1.10', '3.1.9')).toBe(true);
  expect(atLeast('3.1.9', '3.1.10')).toBe(false);
  expect(atLeast('10.0.0', '9.9.9')).toBe(true);
});

it('limits i18next to the supported languages and never saves missing keys', async () => {
  const i18n = await createI18n();
  expect(i18n.options.saveMissing).toBe(false);
  expect(i18n.options.supportedLngs).toEqual(expect.arrayContaining([...SUPPORTED_LANGUAGES]));
  expect(i18n.options.supportedLngs).not.toContain('xx');
});
