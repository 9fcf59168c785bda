// `next build` into LOCKBOARD_DIST_DIR, leaving tsconfig.json as committed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** True when `<distDir>/BUILD_ID` exists. */
export function hasBuild(distDir) {
  return fs.existsSync(path.join(root, distDir, 'BUILD_ID'));
}

/**
 * Builds the app into `distDir`. Next rewrites tsconfig.json's `include` to name a non-default dist
 * dir (`.next-x/types/**`); that edit is local noise (the committed `exclude` already skips `.next-*`),
 * so the committed file (and its timestamps) is put back afterwards. Returns the exit status.
 */
export function nextBuild(distDir, env = process.env) {
  const tsconfig = path.join(root, 'tsconfig.json');
  const before = fs.readFileSync(tsconfig, 'utf8');
  const { atime, mtime } = fs.statSync(tsconfig);
  const r = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit', env: { ...env, LOCKBOARD_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1' } });
  if (fs.readFileSync(tsconfig, 'utf8') !== before) {
    fs.writeFileSync(tsconfig, before);
    // Same timestamps too, so the demo's "build older than the sources" check stays meaningful.
    fs.utimesSync(tsconfig, atime, mtime);
  }
  return r.status ?? 1;
}
