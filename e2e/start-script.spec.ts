/**
 * `npm start` (scripts/start.mjs) with the built app: a SIGTERM (what Docker, systemd and Kubernetes
 * send) or SIGINT stops the server it started and the script exits with it, leaving no process
 * behind. Before, `npx next start` sat between them and `next-server` kept running, orphaned.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../scripts/lib/moto';
import { processTree } from '../scripts/lib/process-tree';
import { expect, test } from './fixtures';

const root = path.resolve(__dirname, '..');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startAndStop(signal: 'SIGTERM' | 'SIGINT'): Promise<{ tree: number[]; exit: { code: number | null; signal: string | null }; left: number[] }> {
  const port = await freePort();
  const config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-start-')), 'config.json');
  fs.writeFileSync(config, JSON.stringify({ backends: [{ id: 'main', bucket: 'tf-state', region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }] }));
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { ...process.env, LOCKBOARD_CONFIG: config, PORT: String(port), LOCKBOARD_LISTEN_HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  await expect
    .poll(async () => (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status).catch(() => 0)), { timeout: 60_000 })
    .toBe(200);
  const tree = processTree(child.pid!);
  child.kill(signal);
  const exit = await exited;
  // Give an orphan the time a graceful shutdown takes before calling it left behind.
  await expect.poll(() => tree.filter(alive).length, { timeout: 15_000 }).toBe(0).catch(() => undefined);
  const left = tree.filter(alive);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  return { tree, exit, left };
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`npm start: ${signal} stops next-server and the script exits with it`, async () => {
    test.setTimeout(120_000);
    const { tree, exit, left } = await startAndStop(signal);
    // The script and the server it started (a node process running Next).
    expect(tree.length).toBeGreaterThanOrEqual(2);
    expect(left).toEqual([]);
    expect(exit.code).toBe(signal === 'SIGTERM' ? 143 : 130);
  });
}
