/**
 * Building the app for the local stack (demo, benchmark, tests): `next build` into a dist directory
 * of its own (LOCKBOARD_DIST_DIR), whether a build exists, and whether it is older than its sources.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** Quiet, local-only settings every script gives the processes it starts. */
export const QUIET_ENV = { NEXT_TELEMETRY_DISABLED: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } as const;

/** True when `<distDir>/BUILD_ID` exists. */
export function hasBuild(distDir: string): boolean {
  return fs.existsSync(path.join(root, distDir, 'BUILD_ID'));
}

/**
 * Builds the app into `distDir` (tsconfig.json is written so that Next leaves it as it is), then the
 * configuration check the start scripts run before Next (`<distDir>/config-check.mjs`, as the
 * Dockerfile does). Returns the exit status.
 */
export function nextBuild(distDir: string, env: NodeJS.ProcessEnv = process.env, logFile?: string): number {
  // With a log file (the demo), the build's output goes there instead of the terminal.
  const out = logFile ? fs.openSync(logFile, 'a') : null;
  const stdio = out === null ? ('inherit' as const) : (['ignore', out, out] as ['ignore', number, number]);
  try {
    const r = spawnSync('npx', ['next', 'build'], { cwd: root, stdio, env: { ...env, ...QUIET_ENV, LOCKBOARD_DIST_DIR: distDir } });
    if (r.status !== 0) return r.status ?? 1;
    return spawnSync(process.execPath, [path.join(root, 'scripts', 'lib', 'config-check-bundle.mjs'), distDir], { cwd: root, stdio }).status ?? 1;
  } finally {
    if (out !== null) fs.closeSync(out);
  }
}

// What the build is made from: a change to any of these makes the build stale.
const SOURCES = ['app', 'components', 'lib', 'public', 'instrumentation.ts', 'next.config.js', 'tailwind.config.ts', 'postcss.config.js', 'package-lock.json', 'tsconfig.json'];

function newestMtime(p: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : stat.mtimeMs;
  return fs.readdirSync(p).reduce((max, name) => Math.max(max, newestMtime(path.join(p, name))), 0);
}

/** Why the build in `distDir` needs redoing ('no build yet', 'sources changed…'), or null when it is current. */
export function buildIsStale(distDir: string): string | null {
  const buildId = path.join(root, distDir, 'BUILD_ID');
  if (!fs.existsSync(buildId)) return 'no build yet';
  const built = fs.statSync(buildId).mtimeMs;
  const newest = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  return newest > built ? 'sources changed since the last build' : null;
}
