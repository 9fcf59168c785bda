// `npm run demo`: plain-Node bootstrap that works on a fresh clone. Installs dependencies when
// node_modules is missing, builds the app when there is no build or it is older than the sources,
// then runs scripts/demo.ts (local stack, seed, dashboard). Ctrl-C stops everything. The build skips
// the type check (`npm test` runs it) so that the demo starts sooner.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';
const env = { ...process.env, LOCKBOARD_DIST_DIR: distDir, LOCKBOARD_SKIP_BUILD_TYPECHECK: process.env.LOCKBOARD_SKIP_BUILD_TYPECHECK ?? '1', NEXT_TELEMETRY_DISABLED: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const log = (msg) => console.log(`[demo] ${msg}`);

// What the build is made from: a change to any of these makes the build stale.
const SOURCES = ['app', 'components', 'lib', 'public', 'instrumentation.ts', 'next.config.js', 'tailwind.config.ts', 'postcss.config.js', 'package-lock.json', 'tsconfig.json'];

function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : stat.mtimeMs;
  return fs.readdirSync(p).reduce((max, name) => Math.max(max, newestMtime(path.join(p, name))), 0);
}

function buildIsStale() {
  const buildId = path.join(root, distDir, 'BUILD_ID');
  if (!fs.existsSync(buildId)) return 'no build yet';
  const built = fs.statSync(buildId).mtimeMs;
  const newest = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  return newest > built ? 'sources changed since the last build' : null;
}

if (!fs.existsSync(path.join(root, 'node_modules'))) {
  log('installing dependencies (npm ci)');
  const r = spawnSync('npm', ['ci'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// Imported only now: it lives in the project and needs nothing from node_modules, but keeps the
// bootstrap order obvious.
const { nextBuild } = await import('./lib/next-build.mjs');
const stale = buildIsStale();
if (stale) {
  log(`building the app into ${distDir} (${stale})`);
  if (nextBuild(distDir, env) !== 0) process.exit(1);
} else log(`using the build in ${distDir} (up to date)`);

const child = spawn('npx', ['tsx', 'scripts/demo.ts'], { cwd: root, stdio: 'inherit', env });
// Ctrl-C reaches every process of the terminal's group; demo.ts stops the stack itself, so this
// process only waits for it to finish.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
