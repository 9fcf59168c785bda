/**
 * Runs a command with a fresh moto server on a free port: `tsx scripts/with-moto.ts -- <cmd…>`
 * (`npm run test:integration` does). The command gets AWS_ENDPOINT_URL/MOTO_ENDPOINT and dummy
 * credentials; moto stops when it ends.
 */
import { spawn } from 'node:child_process';
import { awsEnv, startMoto } from './lib/moto';

async function main(): Promise<void> {
  const sep = process.argv.indexOf('--');
  const command = sep >= 0 ? process.argv.slice(sep + 1) : [];
  if (command.length === 0) {
    console.error('usage: tsx scripts/with-moto.ts -- <command> [args…]');
    process.exit(2);
  }
  const moto = await startMoto();
  console.log(`[moto] listening on ${moto.endpoint}`);
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, ...awsEnv(moto.endpoint) }, shell: process.platform === 'win32' });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', async (code, signal) => {
    await moto.stop();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch((e) => {
  console.error(`[moto] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
