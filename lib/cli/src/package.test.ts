import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_PACKAGES } from '../../../scripts/eslint/layers';
import { CLI_VERSION } from './version';

const cliDir = path.resolve(import.meta.dirname, '..');
const read = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8')) as { version: string; dependencies: Record<string, string>; bin: Record<string, string> };

describe('the lockboard package', () => {
  const pkg = read(path.join(cliDir, 'package.json'));
  it('declares the version the CLI prints and the bin npx runs', () => {
    expect(pkg.version).toBe(CLI_VERSION);
    expect(pkg.bin).toEqual({ lockboard: 'dist/lockboard.js' });
  });
  it('depends on exactly the packages its lint rule allows, at the versions the repository tests', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...CLI_PACKAGES].sort());
    for (const [name, version] of Object.entries(pkg.dependencies)) {
      expect(read(path.join(cliDir, '..', '..', 'node_modules', name, 'package.json')).version, name).toBe(version);
    }
  });
});
