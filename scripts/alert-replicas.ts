/**
 * Exactly-once alerting across replicas, end to end: three built app processes (`next start`) on one
 * moto server, one local webhook receiver. A lock is left behind by a holder that is gone; it goes
 * stale (small threshold), is reminded every period, one replica is killed (SIGKILL) in the middle,
 * then the lock is released from the dashboard's API. The receiver must get exactly one `lock.stale`
 * per reminder number, one `lock.released`, one `mutation` event, all with valid signatures, and no
 * delivery id twice.
 *
 *   npm run test:alert-replicas        (builds into .next-alerts unless ALERTS_SKIP_BUILD=1 and a build exists)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { LockboardEvent } from '../lib/api/alerts';
import { verifySignature } from '../lib/notify/format';
import { TerraformWriter } from './lib/terraform-writer';
import { awsEnv, freePort, startMoto } from './lib/moto';
import { hasBuild, nextBuild } from './lib/next-build';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next-alerts';
const SECRET = 'replica-test-secret';
const STALE_S = 6;
const REMIND_S = 15;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => console.log(`[alert-replicas] ${m}`);

interface App {
  name: string;
  base: string;
  child: ChildProcess;
  output: () => string;
}

async function startApp(name: string, configFile: string, endpoint: string): Promise<App> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, ...awsEnv(endpoint), LOCKBOARD_CONFIG: configFile, LOCKBOARD_DIST_DIR: distDir, NODE_ENV: 'production', H7_REPLICA_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error(`${name} did not start: ${output}`);
    await sleep(200);
  }
  return { name, base, child, output: () => output };
}

async function main(): Promise<void> {
  if (process.env.ALERTS_SKIP_BUILD !== '1' || !hasBuild(distDir)) {
    log(`building into ${distDir}`);
    if (nextBuild(distDir, { ...process.env, LOCKBOARD_SKIP_BUILD_TYPECHECK: '1' }) !== 0) throw new Error('next build failed');
  }
  const moto = await startMoto();
  Object.assign(process.env, awsEnv(moto.endpoint));
  const apps: App[] = [];
  const received: Array<{ event: LockboardEvent; delivery: string; signatureOk: boolean; at: number }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      const event = JSON.parse(body) as LockboardEvent;
      received.push({ event, delivery: String(req.headers['x-lockboard-delivery']), signatureOk: verifySignature(SECRET, body, (req.headers['x-lockboard-signature-256'] as string | undefined) ?? null), at: Date.now() });
      log(`received ${event.type}${event.reminder !== undefined ? ` #${event.reminder}` : ''} ${event.id}`);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const receiver = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };

  try {
    const w = new TerraformWriter();
    const bucket = 'alert-replicas';
    const table = 'alert-replicas-locks';
    await w.createBucket(bucket);
    await w.createTable(table);
    const configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-replicas-')), 'config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        backends: [{ id: 'main', region: 'us-east-1', bucket, dynamodbTable: table, forcePathStyle: true }],
        watchIntervalSeconds: 1,
        staleAfterMinutes: STALE_S / 60,
        remindAfterMinutes: REMIND_S / 60,
        publicUrl: 'https://lockboard.example.com',
        channels: [{ name: 'hook', type: 'webhook', url: receiver, secretEnv: 'H7_REPLICA_SECRET', events: ['lock.stale', 'lock.released', 'mutation'], timeoutSeconds: 2, retries: 2 }],
      }),
    );
    for (const name of ['r1', 'r2', 'r3']) apps.push(await startApp(name, configFile, moto.endpoint));
    log(`three replicas up: ${apps.map((a) => a.base).join(' ')}`);

    // The holder is gone (killed): its lock stays behind.
    const key = 'live/app/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key, { who: 'deploy@runner-17' });
    await w.lockDynamo(table, bucket, key, info);
    const lockedAt = Date.now();
    log('lock left behind; nobody is viewing');

    // Stale at 6 s, reminders at 21 s and 36 s. Kill r1 at 12 s (between the first notice and the first reminder).
    await sleep(12_000 - (Date.now() - lockedAt));
    apps[0]!.child.kill('SIGKILL');
    log('r1 killed (SIGKILL)');
    await sleep(Math.max(0, 40_000 - (Date.now() - lockedAt)));

    // Release from the dashboard's API on r2, as its page does.
    const locks = (await (await fetch(`${apps[1]!.base}/api/backends/main/locks`)).json()) as { locks: Array<{ key: string; id: string; seen: unknown }> };
    const lock = locks.locks.find((l) => l.key === key);
    check(lock?.id === info.id, 'the lock is listed with its ID');
    const res = await fetch(`${apps[1]!.base}/api/backends/main/unlock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: apps[1]!.base, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ key, id: info.id, reason: 'runner-17 was killed', seen: lock?.seen }),
    });
    check(res.status === 200, `unlock answered ${res.status}`);
    await sleep(8_000);

    const stale = received.filter((r) => r.event.type === 'lock.stale');
    const reminders = stale.map((r) => r.event.reminder).sort();
    check(JSON.stringify(reminders) === JSON.stringify([0, 1, 2]), `exactly one lock.stale per reminder number (got ${JSON.stringify(reminders)})`);
    const released = received.filter((r) => r.event.type === 'lock.released');
    check(released.length === 1, `exactly one lock.released (got ${released.length})`);
    check(released[0]?.event.released?.by === 'lockboard' && released[0]?.event.released?.actor === 'anonymous', `the release names the Lockboard unlock and its operator (got ${JSON.stringify(released[0]?.event.released)})`);
    const mutations = received.filter((r) => r.event.type === 'mutation');
    check(mutations.length === 1 && mutations[0]!.event.mutation?.outcome === 'succeeded', `exactly one mutation event (got ${mutations.length})`);
    check(received.every((r) => r.signatureOk), 'every signature verifies');
    check(new Set(received.map((r) => r.delivery)).size === received.length, 'no delivery id twice');
    check(received.every((r) => r.delivery === r.event.id), 'X-Lockboard-Delivery is the event id');
    const first = stale.find((r) => r.event.reminder === 0);
    check(first !== undefined && first.at - lockedAt < (STALE_S + 1 + 3) * 1000, `first notice ${first ? first.at - lockedAt : '∞'} ms after the lock was taken (stale at ${STALE_S} s)`);
  } finally {
    for (const app of apps) if (app.child.exitCode === null) app.child.kill('SIGTERM');
    await new Promise((r) => server.close(r));
    await moto.stop();
  }
  if (failures.length > 0) {
    console.error(`[alert-replicas] ${failures.length} check(s) failed`);
    process.exit(1);
  }
  log('all checks passed');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
