// `npm run bench`: installs dependencies when missing, builds the app into .next-bench (skip with
// BENCH_SKIP_BUILD=1 when that build exists), then runs the benchmark (scripts/bench.ts), which
// starts its own local stack.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { hasBuild, nextBuild } from './lib/next-build.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next-bench';
const env = { ...process.env, LOCKBOARD_DIST_DIR: distDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NEXT_TELEMETRY_DISABLED: '1' };

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!fs.existsSync(path.join(root, 'node_modules'))) run('npm', ['ci']);
const args = process.argv.slice(2);
// `--only inventory` needs no app build (scripts/bench-inventory.ts runs the service itself).
const onlyInventory = args.includes('--only') && args[args.indexOf('--only') + 1] === 'inventory';
if (!onlyInventory && (process.env.BENCH_SKIP_BUILD !== '1' || !hasBuild(distDir))) {
  const status = nextBuild(distDir, env);
  if (status !== 0) process.exit(status);
}
run('npx', ['tsx', 'scripts/bench.ts', ...args]);
