// `node scripts/bootstrap.mjs scripts/<name>.ts [args…]`: the one plain-JS script. It lets
// `npm test`, `npm run demo` and `npm run bench` work on a fresh clone: it installs the locked
// dependencies when node_modules is missing (tsx comes with them), then runs the TypeScript script
// with `node --import tsx` and exits with its status.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [script, ...args] = process.argv.slice(2);
if (!script || !script.endsWith('.ts')) {
  console.error('usage: node scripts/bootstrap.mjs scripts/<name>.ts [args…]');
  process.exit(2);
}

if (!fs.existsSync(path.join(root, 'node_modules', 'tsx'))) {
  console.log('[bootstrap] dependencies are missing: npm ci');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches every process of the terminal's group: the script handles it (stopping what it
// started), so this process only waits for it. A SIGTERM sent to this process alone is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
