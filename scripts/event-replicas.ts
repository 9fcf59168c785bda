/**
 * Every replica sees every change, end to end (issue 24): two built app processes (`next start`) on
 * one moto server, one backend in event mode through the fan-out (bucket notification → SNS topic →
 * one SQS queue per replica, created by each replica at start-up; the lock table's stream read by
 * both). Locks are taken and released on both sides the way Terraform does; both replicas must list
 * the same locks within 3 s of each change, with no Scan and no listing between their start-up
 * reconciles and the end. A clean stop (SIGTERM) must delete each replica's queue.
 *
 *   npm run test:event-replicas   (builds into LOCKBOARD_DIST_DIR, default .next-events, unless
 *                                  EVENTS_SKIP_BUILD=1 and a build exists; `npm test` runs it so)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { appMetrics } from './bench/app-metrics';
import { startApp, type AppProcess } from './lib/app-process';
import { eventClients, wireEvents } from './lib/event-stack';
import { awsEnv, startMoto } from './lib/moto';
import { QUIET_ENV, hasBuild, nextBuild } from './lib/next-build';
import { TerraformWriter } from './lib/terraform-writer';
import { sleep } from './lib/wait';
import { checksOf, runChecks } from './lib/checks';

const distDir = process.env.LOCKBOARD_DIST_DIR || '.next-events';
const BOUND_MS = 3_000;
const started = Date.now();
const { log, check, failures, finish } = checksOf('event-replicas', started);

interface Replica extends AppProcess {
  name: string;
}

async function locksOf(app: Replica): Promise<string[]> {
  const res = await fetch(`${app.base}/api/backends/main/locks`);
  const body = (await res.json()) as { locks?: Array<{ key: string }> };
  return (body.locks ?? []).map((l) => l.key).sort();
}

async function modeOf(app: Replica): Promise<string> {
  const body = (await (await fetch(`${app.base}/api/backends`)).json()) as { backends: Array<{ id: string; mode: { mode: string; reason: string } }> };
  const m = body.backends.find((b) => b.id === 'main')?.mode;
  return m ? `${m.mode}: ${m.reason}` : 'unknown';
}

/** Ms until every replica lists exactly `expected`, or null after `ms`. */
async function allShow(apps: Replica[], expected: string[], ms: number): Promise<number[] | null> {
  const t0 = Date.now();
  const seen: Array<number | null> = apps.map(() => null);
  while (Date.now() - t0 < ms) {
    const lists = await Promise.all(apps.map(locksOf));
    lists.forEach((l, i) => {
      if (seen[i] === null && JSON.stringify(l) === JSON.stringify(expected)) seen[i] = Date.now() - t0;
    });
    if (seen.every((s) => s !== null)) return seen as number[];
    await sleep(50);
  }
  return null;
}

const listingCalls = (m: Awaited<ReturnType<typeof appMetrics>>) => (m.byOrigin.watcher?.['dynamodb:Scan'] ?? 0) + (m.byOrigin.watcher?.['s3:ListObjectsV2'] ?? 0);

async function main(): Promise<void> {
  if (process.env.EVENTS_SKIP_BUILD === '1' && hasBuild(distDir)) log(`EVENTS_SKIP_BUILD=1: using the build in ${distDir}`);
  else {
    log(`building into ${distDir}`);
    if (nextBuild(distDir, { ...process.env, LOCKBOARD_SKIP_BUILD_TYPECHECK: '1' }) !== 0) throw new Error('next build failed');
  }
  const moto = await startMoto();
  Object.assign(process.env, QUIET_ENV, awsEnv(moto.endpoint));
  const w = new TerraformWriter({ endpoint: moto.endpoint });
  const { sqs } = eventClients(moto.endpoint);
  const apps: Replica[] = [];
  try {
    const bucket = 'event-replicas';
    const table = 'event-replicas-locks';
    await w.createBucket(bucket);
    await w.createTable(table);
    const events = await wireEvents(w, { endpoint: moto.endpoint, bucket, table, via: 'topic' });
    const configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-event-replicas-')), 'config.json');
    fs.writeFileSync(configFile, JSON.stringify({ backends: [{ id: 'main', region: 'us-east-1', bucket, dynamodbTable: table, useLockfile: true, forcePathStyle: true, events }], watchIntervalSeconds: 10 }));
    apps.push(
      ...(await Promise.all(
        ['r1', 'r2'].map(async (name) => ({ name, ...(await startApp({ distDir, name, timeoutMs: 90_000, env: { ...awsEnv(moto.endpoint), LOCKBOARD_CONFIG: configFile, LOCKBOARD_REPLICA_ID: name } })) })),
      )),
    );
    log(`two replicas up: ${apps.map((a) => `${a.name} ${a.base}`).join(', ')}`);
    // Start-up: each creates its queue, reads once (reconcile), then follows events.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(await Promise.all(apps.map(modeOf))).every((m) => m.startsWith('events'))) await sleep(200);
    const modes = await Promise.all(apps.map(modeOf));
    check(modes.every((m) => m.startsWith('events')), `both replicas in event mode (${modes.join(' | ')})`);
    const queues = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'lockboard-main-' }))).QueueUrls ?? [];
    check(queues.length === 2, `one queue per replica, subscribed to the topic (${queues.map((q) => q.split('/').pop()).join(', ')})`);

    const before = await Promise.all(apps.map((a) => appMetrics(a.base)));
    const keys = ['net/terraform.tfstate', 'app/terraform.tfstate', 'env:/staging/app/terraform.tfstate'];
    const held: string[] = [];
    for (const key of keys) {
      await w.lockBoth(table, bucket, key, TerraformWriter.lockInfo(bucket, key, { who: 'ci@runner' }));
      held.push(key);
      const at = await allShow(apps, [...held].sort(), BOUND_MS);
      check(at !== null, `lock on ${key}: listed by both replicas within ${BOUND_MS} ms (${at ? at.map((ms, i) => `${apps[i]!.name} ${ms} ms`).join(', ') : 'not within the bound'})`);
    }
    for (const key of keys) {
      await w.unlockFile(bucket, key);
      await w.unlockDynamo(table, bucket, key);
      held.splice(held.indexOf(key), 1);
      const at = await allShow(apps, [...held].sort(), BOUND_MS);
      check(at !== null, `release of ${key}: gone from both replicas within ${BOUND_MS} ms (${at ? at.map((ms, i) => `${apps[i]!.name} ${ms} ms`).join(', ') : 'not within the bound'})`);
    }
    const after = await Promise.all(apps.map((a) => appMetrics(a.base)));
    const listings = after.map((m, i) => listingCalls(m) - listingCalls(before[i]!));
    check(listings.every((n) => n === 0), `no Scan and no ListObjectsV2 of the backend by either replica while following events (${listings.join(', ')})`);
    // While locks are held, liveness lists the heartbeat prefix (at most once per 3 s per replica), counted apart.
    const beats = after.map((m, i) => (m.byOrigin.liveness?.['s3:ListObjectsV2'] ?? 0) - (before[i]!.byOrigin.liveness?.['s3:ListObjectsV2'] ?? 0));
    log(`heartbeat listings while locks were held (origin liveness): ${beats.join(', ')}`);

    // Clean shutdown: each replica unsubscribes and deletes its own queue.
    await Promise.all(apps.map((a) => a.stop()));
    await sleep(500);
    const left = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'lockboard-main-' }))).QueueUrls ?? [];
    check(left.length === 0, `a clean stop deletes each replica's queue (${left.length} left)`);
  } catch (e) {
    check(false, `the run completed (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    if (failures.length > 0) for (const app of apps) console.error(`[event-replicas] --- last log lines of ${app.name} ---\n${app.output().split('\n').slice(-30).join('\n')}`);
    for (const app of apps) if (app.child.exitCode === null) app.child.kill('SIGTERM');
    sqs.destroy();
    w.destroy();
    await moto.stop();
  }
  finish();
}

runChecks('event-replicas', main);
