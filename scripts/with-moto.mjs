// Runs a command with a fresh moto server on a free port: `node scripts/with-moto.mjs -- <cmd…>`.
// The command gets AWS_ENDPOINT_URL/MOTO_ENDPOINT and dummy credentials; moto stops when it ends.
import { spawn } from 'node:child_process';
import { awsEnv, startMoto } from './lib/moto.mjs';

const sep = process.argv.indexOf('--');
const command = sep >= 0 ? process.argv.slice(sep + 1) : [];
if (command.length === 0) {
  console.error('usage: node scripts/with-moto.mjs -- <command> [args…]');
  process.exit(2);
}

const moto = await startMoto();
console.log(`[moto] listening on ${moto.endpoint}`);
const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, ...awsEnv(moto.endpoint) }, shell: process.platform === 'win32' });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', async (code, signal) => {
  await moto.stop();
  process.exit(code ?? (signal ? 1 : 0));
});
