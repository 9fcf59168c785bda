/**
 * The browser has one error path: `toClientError` (fetch-json.ts) turns whatever was thrown into an
 * AppError, and a component narrows on `error.code` to get typed details. This fails on a
 * hand-written normaliser or a cast of details anywhere in browser code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');
const HAND_WRITTEN = [
  /instanceof (AppError|Error)\b/,
  /new AppError\(/,
  /String\((e|err|error)\)/,
  // A cast of error details (`details.current as Lock`): the conflict code types them instead.
  /details(\.\w+)*\??\s+as\s/,
];

function browserFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((e) => {
    const file = path.join(e.parentPath, e.name);
    const rel = path.relative(root, file);
    if (!e.isFile() || !/\.tsx?$/.test(e.name) || e.name.includes('.test.') || rel.startsWith(path.join('app', 'api'))) return [];
    // Server pages (no 'use client') are not browser code, unless they sit with the client widgets.
    if (rel.startsWith('app') && !rel.startsWith(path.join('app', '_components')) && !fs.readFileSync(file, 'utf8').startsWith("'use client'")) return [];
    return rel === path.join('lib', 'queries', 'fetch-json.ts') ? [] : [file];
  });
}

describe('one browser error path', () => {
  it('no hand-written error normaliser and no cast of error details outside toClientError', () => {
    const files = ['app', 'components', path.join('lib', 'client'), path.join('lib', 'queries')].flatMap((d) => browserFiles(path.join(root, d)));
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (HAND_WRITTEN.some((re) => re.test(line)) ? [`${path.relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });
});
