/**
 * Exactly-once alerting across replicas, end to end: three built app processes (`next start`) on one
 * moto server, one local webhook receiver. A lock is left behind by a holder that is gone; it goes
 * stale (small threshold) and is reminded every period with nobody viewing. The receiver holds the
 * first request of reminder #1 unanswered, and the replica that sent it (the claim's holder, read
 * from S3) is killed (SIGKILL) mid-delivery: another replica must take the claim over after its lease
 * and send it again. Then the lock is released from the dashboard's API. The receiver must acknowledge
 * exactly one `lock.stale` per reminder number, one `lock.released` (naming the Lockboard unlock), one
 * `mutation` event, all with valid signatures, and no delivery id twice.
 *
 * Waits are on conditions (with deadlines), not fixed sleeps, so a slow machine stretches the run
 * instead of failing it. Every check is printed; any failure prints the replicas' last log lines and
 * exits 1. About a minute once the build exists.
 *
 *   npm run test:alert-replicas   (builds into LOCKBOARD_DIST_DIR, default .next-alerts, unless
 *                                  ALERTS_SKIP_BUILD=1 and a build exists; `npm test` runs it so)
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { LockboardEvent } from '../lib/api/alerts';
import { verifySignature } from '../lib/notify/format';
import { TerraformWriter } from './lib/terraform-writer';
import { awsEnv, startMoto } from './lib/moto';
import { processTree } from './lib/process-tree';
import { startApp, type AppProcess } from './lib/app-process';
import { sleep } from './lib/wait';
import { QUIET_ENV, hasBuild, nextBuild } from './lib/next-build';
import { checksOf, runChecks } from './lib/checks';

const distDir = process.env.LOCKBOARD_DIST_DIR || '.next-alerts';
const SECRET = 'replica-test-secret';
const STALE_S = 6;
const REMIND_S = 15;
// Lease of a claim: timeout × attempts + back-off + 10 s (lib/jobs/alerting/claims.ts) = 2×2 + 0.5 + 10 s.
const TIMEOUT_S = 2;
const RETRIES = 1;
const LEASE_MS = TIMEOUT_S * 1000 * (RETRIES + 1) + 500 * (2 ** RETRIES - 1) + 10_000;
const started = Date.now();
const { log, check, failures, finish } = checksOf('alert-replicas', started);

interface App extends AppProcess {
  name: string;
}

interface Received {
  event: LockboardEvent;
  delivery: string;
  signatureOk: boolean;
  at: number;
  /** Answered 204 (false: held unanswered, its sender was killed). */
  acknowledged: boolean;
}

async function startReplica(name: string, configFile: string, endpoint: string): Promise<App> {
  const app = await startApp({ distDir, name, timeoutMs: 90_000, env: { ...awsEnv(endpoint), LOCKBOARD_CONFIG: configFile, H7_REPLICA_SECRET: SECRET, LOCKBOARD_SIGNING_KEY: 'alert-replicas-shared-signing-key-0123' } });
  return { name, ...app };
}

/** Waits until `done()` holds; false after `ms` (the caller's check then fails, naming what it waited for). */
async function waitFor(what: string, ms: number, done: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) {
      log(`gave up waiting ${ms / 1000} s for ${what}`);
      return false;
    }
    await sleep(100);
  }
  return true;
}

async function main(): Promise<void> {
  if (process.env.ALERTS_SKIP_BUILD === '1' && hasBuild(distDir)) log(`ALERTS_SKIP_BUILD=1: using the build in ${distDir}`);
  else {
    log(`building into ${distDir}`);
    if (nextBuild(distDir, { ...process.env, LOCKBOARD_SKIP_BUILD_TYPECHECK: '1' }) !== 0) throw new Error('next build failed');
  }
  const moto = await startMoto();
  Object.assign(process.env, QUIET_ENV, awsEnv(moto.endpoint));
  const apps: App[] = [];
  const received: Received[] = [];
  /** Set to an event id: the receiver holds its first request unanswered. */
  let holdFirstOf: string | null = null;
  let held: Received | null = null;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      const event = JSON.parse(body) as LockboardEvent;
      const got: Received = { event, delivery: String(req.headers['x-lockboard-delivery']), signatureOk: verifySignature(SECRET, body, (req.headers['x-lockboard-signature-256'] as string | undefined) ?? null), at: Date.now(), acknowledged: false };
      received.push(got);
      const name = `${event.type}${event.reminder !== undefined ? ` #${event.reminder}` : ''}`;
      if (holdFirstOf !== null && event.id === holdFirstOf && !held) {
        held = got;
        log(`received ${name}: held unanswered`);
        return;
      }
      got.acknowledged = true;
      log(`received ${name} ${event.id} (${((got.at - started) / 1000).toFixed(1)} s)`);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const receiver = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const acked = (type: string, reminder?: number) => received.filter((r) => r.acknowledged && r.event.type === type && (reminder === undefined || r.event.reminder === reminder));
  const w = new TerraformWriter({ endpoint: moto.endpoint });

  try {
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
        channels: [{ name: 'hook', type: 'webhook', url: receiver, secretEnv: 'H7_REPLICA_SECRET', events: ['lock.stale', 'lock.released', 'mutation'], timeoutSeconds: TIMEOUT_S, retries: RETRIES }],
      }),
    );
    apps.push(...(await Promise.all(['r1', 'r2', 'r3'].map((name) => startReplica(name, configFile, moto.endpoint)))));
    log(`three replicas up: ${apps.map((a) => `${a.name} ${a.base} (pid ${a.child.pid})`).join(', ')}`);

    // The holder is gone (killed): its lock stays behind. Nobody views the dashboard from here on.
    const key = 'live/app/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key, { who: 'deploy@runner-17' });
    await w.lockDynamo(table, bucket, key, info);
    const lockedAt = Date.now();
    log(`lock left behind at ${((lockedAt - started) / 1000).toFixed(1)} s; stale after ${STALE_S} s, reminded every ${REMIND_S} s; claim lease ${LEASE_MS / 1000} s`);

    await waitFor('lock.stale #0', (STALE_S + 15) * 1000, () => acked('lock.stale', 0).length > 0);
    const first = acked('lock.stale', 0)[0];
    check(first !== undefined && first.at - lockedAt < (STALE_S + 6) * 1000, `first notice ${first ? first.at - lockedAt : '∞'} ms after the lock was taken, with nobody viewing (stale at ${STALE_S} s)`);

    // Reminder #1: hold its first request, find which replica holds its claim, and kill that one mid-delivery.
    const stem = first?.event.id.replace(/\.0$/, '') ?? '';
    holdFirstOf = `${stem}.1`;
    await waitFor('the first request of lock.stale #1', (REMIND_S + 15) * 1000, () => held !== null);
    let killed: App | undefined;
    if (held) {
      const claim = await w.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `lockboard-events/main/${holdFirstOf}.json` }));
      const body = JSON.parse(await claim.Body!.transformToString()) as { state: string; claimedBy: string };
      const pid = Number(body.claimedBy.split('-')[0]);
      killed = apps.find((a) => processTree(a.child.pid!).includes(pid));
      check(body.state === 'claimed' && killed !== undefined, `the held delivery's claim is "claimed" by a live replica (${body.claimedBy} → ${killed?.name ?? 'none of ours'})`);
      killed?.child.kill('SIGKILL');
      log(`${killed?.name} killed (SIGKILL) in the middle of delivering lock.stale #1`);
    } else check(false, 'the receiver got the first request of lock.stale #1');
    const survivors = apps.filter((a) => a !== killed);

    await waitFor('lock.stale #1 from another replica', LEASE_MS + 15_000, () => acked('lock.stale', 1).length > 0);
    const retaken = acked('lock.stale', 1)[0];
    check(retaken !== undefined && held !== null && retaken.at - (held as Received).at >= LEASE_MS - 1_000, `lock.stale #1 sent again after the dead replica's lease (${retaken && held ? retaken.at - (held as Received).at : '∞'} ms after the held request; lease ${LEASE_MS} ms)`);
    await waitFor('lock.stale #2', (REMIND_S + 15) * 1000, () => acked('lock.stale', 2).length > 0);

    // Release from the dashboard's API on a surviving replica, as its page does.
    const app = survivors[0]!;
    const locks = (await (await fetch(`${app.base}/api/backends/main/locks`)).json()) as { locks: Array<{ key: string; id: string; seen: unknown }> };
    const lock = locks.locks.find((l) => l.key === key);
    check(lock?.id === info.id, `the lock is listed by ${app.name} with its ID`);
    const res = await fetch(`${app.base}/api/backends/main/unlock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.base, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ key, id: info.id, reason: 'runner-17 was killed', seen: lock?.seen }),
    });
    check(res.status === 200, `unlock on ${app.name} answered ${res.status}`);
    await waitFor('lock.released and the mutation event', 20_000, () => acked('lock.released').length > 0 && acked('mutation').length > 0);
    // Quiet period: the other replicas' attribution delay (5 s) and a sweep pass, to catch a double.
    await sleep(8_000);

    const stale = received.filter((r) => r.acknowledged && r.event.type === 'lock.stale');
    const reminders = stale.map((r) => r.event.reminder).sort();
    check(JSON.stringify(reminders) === JSON.stringify([0, 1, 2]), `exactly one acknowledged lock.stale per reminder number (got ${JSON.stringify(reminders)})`);
    check(received.filter((r) => r.event.id === holdFirstOf).length === 2, `the delivery cut by the kill was received twice: once held (unanswered), once acknowledged (got ${received.filter((r) => r.event.id === holdFirstOf).length})`);
    const released = acked('lock.released');
    check(released.length === 1, `exactly one lock.released (got ${released.length})`);
    check(released[0]?.event.released?.by === 'lockboard' && released[0]?.event.released?.actor === 'anonymous', `the release names the Lockboard unlock and its operator (got ${JSON.stringify(released[0]?.event.released)})`);
    const mutations = acked('mutation');
    check(mutations.length === 1 && mutations[0]!.event.mutation?.outcome === 'succeeded', `exactly one mutation event (got ${mutations.length})`);
    check(received.every((r) => r.signatureOk), `every signature verifies (${received.length} requests)`);
    const ackedIds = received.filter((r) => r.acknowledged).map((r) => r.delivery);
    check(new Set(ackedIds).size === ackedIds.length, `no delivery id acknowledged twice (${ackedIds.length} acknowledged)`);
    check(received.every((r) => r.delivery === r.event.id), 'X-Lockboard-Delivery is the event id');
    check(survivors.every((a) => a.child.exitCode === null && a.child.signalCode === null), `the surviving replicas (${survivors.map((a) => a.name).join(', ')}) still run`);
  } catch (e) {
    check(false, `the run completed (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    if (failures.length > 0)
      for (const app of apps) console.error(`[alert-replicas] --- last log lines of ${app.name} ---\n${app.output().split('\n').slice(-40).join('\n')}`);
    for (const app of apps) if (app.child.exitCode === null) app.child.kill('SIGTERM');
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    w.destroy();
    await moto.stop();
  }
  finish();
}

runChecks('alert-replicas', main);
