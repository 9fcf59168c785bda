/**
 * Benchmark section "watcher" (`npm run bench -- --only watcher`, also part of the full bench): what
 * the watcher reads from AWS per interval, and what alerting adds to it. Two runs of the built app on
 * the same backend, each with the same viewers polling the locks every interval for the same time and
 * the same locks appearing a few seconds in (every one already stale): (a) viewers only, (b) viewers
 * plus alerting (a webhook channel wanting every lock.stale). Calls are counted by operation from the
 * app's own `lockboard_aws_calls_total`. Alerting must add no read (Scan, listing, GetObject) — it
 * evaluates the watcher's snapshot — and only the claim writes: one create and one outcome per event.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TerraformWriter, stateDocument } from './lib/terraform-writer';
import { appCalls, delta, fmtCalls, startApp } from './lib/bench-app';
import { awsEnv, startMoto } from './lib/moto';

const LOCKS = Number(process.env.BENCH_WATCH_LOCKS ?? 100);
const STATES = Number(process.env.BENCH_WATCH_STATES ?? 300);
const VIEWERS = Number(process.env.BENCH_WATCH_VIEWERS ?? 5);
const SECONDS = Number(process.env.BENCH_WATCH_SECONDS ?? 20);
const INTERVAL_S = 1;
const LOCKS_AT_MS = 3_000;

const log = (msg: string) => console.log(`[bench] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WatcherRun {
  seconds: number;
  intervals: number;
  requests: number;
  failures: number;
  calls: Record<string, number>;
  callsPerInterval: Record<string, number>;
  events: number;
}

export interface WatcherResult {
  locks: number;
  states: number;
  viewers: number;
  intervalSeconds: number;
  viewersOnly: WatcherRun;
  withAlerting: WatcherRun;
  /** Calls of (b) minus (a), by operation, per interval; reads must be ~0. */
  addedPerInterval: Record<string, number>;
  claimWritesPerEvent: number;
  addedReads: number;
}

const READS = ['dynamodb:Scan', 's3:ListObjectsV2', 's3:GetObject', 's3:HeadObject', 'dynamodb:GetItem', 'dynamodb:Query'];

/** One run: the app with this config, viewers polling /locks every interval, the locks written LOCKS_AT_MS in. */
async function run(distDir: string, endpoint: string, configFile: string, addLocks: () => Promise<void>, events: () => number): Promise<WatcherRun> {
  const app = await startApp(distDir, configFile, endpoint, { BENCH_HOOK_SECRET: 'bench' });
  try {
    const before = await appCalls(app.base);
    const eventsBefore = events();
    const started = Date.now();
    const end = started + SECONDS * 1000;
    let requests = 0;
    let failures = 0;
    const locksWritten = sleep(LOCKS_AT_MS).then(addLocks);
    await Promise.all(
      Array.from({ length: VIEWERS }, async () => {
        await sleep(Math.random() * INTERVAL_S * 1000);
        while (Date.now() < end) {
          const t = Date.now();
          try {
            const res = await fetch(`${app.base}/api/backends/main/locks`);
            await res.arrayBuffer();
            if (!res.ok) failures++;
          } catch {
            failures++;
          }
          requests++;
          await sleep(Math.max(0, INTERVAL_S * 1000 - (Date.now() - t)));
        }
      }),
    );
    await locksWritten;
    const seconds = (Date.now() - started) / 1000;
    const calls = delta(await appCalls(app.base), before);
    const intervals = seconds / INTERVAL_S;
    return { seconds, intervals, requests, failures, calls, callsPerInterval: Object.fromEntries(Object.entries(calls).map(([k, n]) => [k, n / intervals])), events: events() - eventsBefore };
  } finally {
    await app.stop();
  }
}

/** Runs the section against `endpoint` (a fresh moto when null) with the build in `distDir`. */
export async function runWatcherSection(distDir: string, endpoint: string | null): Promise<WatcherResult> {
  const moto = endpoint ? null : await startMoto();
  const target = endpoint ?? moto!.endpoint;
  Object.assign(process.env, awsEnv(target));
  const w = new TerraformWriter({ endpoint: target });
  let received = 0;
  const receiver = http.createServer((req, res) => req.resume().on('end', () => (received++, res.writeHead(204).end())));
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    const bucket = `bench-watch-${Date.now()}`;
    const table = `${bucket}-locks`;
    await w.createBucket(bucket);
    await w.createTable(table);
    const keys = Array.from({ length: STATES }, (_, i) => `svc${i}/terraform.tfstate`);
    const lineage = crypto.randomUUID();
    for (const key of keys) await w.putState(bucket, key, stateDocument({ serial: 1, lineage }), table);
    log(`watcher: ${STATES} states with digests, ${LOCKS} dual-mode locks (written ${LOCKS_AT_MS / 1000} s into each run, all stale), ${VIEWERS} viewers every ${INTERVAL_S} s for ${SECONDS} s`);

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-bench-watch-'));
    const base = {
      backends: [{ id: 'main', region: 'us-east-1', bucket, dynamodbTable: table, useLockfile: true, forcePathStyle: true, scanSegments: 1 }],
      pollIntervalSeconds: INTERVAL_S,
      watchIntervalSeconds: INTERVAL_S,
      staleAfterMinutes: 1,
      remindAfterMinutes: 24 * 60,
    };
    const plain = path.join(tmp, 'viewers.json');
    fs.writeFileSync(plain, JSON.stringify(base));
    const alerting = path.join(tmp, 'alerting.json');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    fs.writeFileSync(alerting, JSON.stringify({ ...base, channels: [{ name: 'bench', type: 'webhook', url, secretEnv: 'BENCH_HOOK_SECRET', events: ['lock.stale'] }] }));

    const locked = keys.slice(0, LOCKS);
    const addLocks = async () => {
      for (const key of locked) await w.lockBoth(table, bucket, key, TerraformWriter.lockInfo(bucket, key, { who: 'bench@ci' }, Date.now() - 3_600_000));
    };
    const removeLocks = async () => {
      for (const key of locked) {
        await w.unlockDynamo(table, bucket, key);
        await w.unlockFile(bucket, key);
      }
    };

    log('watcher (a): viewers only');
    const viewersOnly = await run(distDir, target, plain, addLocks, () => received);
    await removeLocks();
    log(`  ${fmtCalls(viewersOnly.calls)} in ${viewersOnly.intervals.toFixed(1)} intervals`);
    log('watcher (b): viewers + alerting');
    const withAlerting = await run(distDir, target, alerting, addLocks, () => received);
    log(`  ${fmtCalls(withAlerting.calls)} in ${withAlerting.intervals.toFixed(1)} intervals, ${withAlerting.events} events delivered`);
    await removeLocks();

    const ops = new Set([...Object.keys(viewersOnly.callsPerInterval), ...Object.keys(withAlerting.callsPerInterval)]);
    const addedPerInterval = Object.fromEntries([...ops].sort().map((k) => [k, (withAlerting.callsPerInterval[k] ?? 0) - (viewersOnly.callsPerInterval[k] ?? 0)]));
    const addedWrites = (withAlerting.calls['s3:PutObject'] ?? 0) - (viewersOnly.calls['s3:PutObject'] ?? 0);
    // Reads beyond the watcher's: more than a fraction of one per interval (the runs' lengths differ by a read or so).
    const addedReads = READS.reduce((sum, k) => sum + Math.max(0, addedPerInterval[k] ?? 0), 0);
    return { locks: LOCKS, states: STATES, viewers: VIEWERS, intervalSeconds: INTERVAL_S, viewersOnly, withAlerting, addedPerInterval, claimWritesPerEvent: withAlerting.events > 0 ? addedWrites / withAlerting.events : NaN, addedReads };
  } finally {
    await new Promise((r) => receiver.close(r));
    w.destroy();
    await moto?.stop();
  }
}

/** Table rows (`#`, measure, Lockboard, baseline, figure, target, met) for scripts/bench.ts. */
export function watcherRows(r: WatcherResult): string[][] {
  const per = (c: Record<string, number>) =>
    Object.entries(c)
      .sort()
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ');
  // At most one read started per interval: a window of n intervals sees at most ⌈n⌉ (one at each edge).
  const reads = (run: WatcherRun) => Math.max(run.calls['dynamodb:Scan'] ?? 0, run.calls['s3:ListObjectsV2'] ?? 0);
  const readsMet = (run: WatcherRun) => reads(run) <= Math.ceil(run.intervals);
  const figure = (run: WatcherRun) => `${reads(run)} reads in ${run.intervals.toFixed(1)} intervals; ${run.requests} requests, ${run.failures} failed`;
  return [
    ['8', `watcher: ${r.viewers} viewers, ${r.states} states, ${r.locks} locks, ${r.intervalSeconds} s interval`, per(r.viewersOnly.callsPerInterval), '', figure(r.viewersOnly), '≤ 1 read/interval', readsMet(r.viewersOnly) ? 'yes' : 'NO'],
    [
      '8',
      `watcher + alerting (${r.withAlerting.events} lock.stale delivered)`,
      per(r.withAlerting.callsPerInterval),
      '',
      `${figure(r.withAlerting)}; added reads/interval ${r.addedReads.toFixed(2)}; PutObject per event ${r.claimWritesPerEvent.toFixed(2)}`,
      'no added read; 2 writes per event',
      readsMet(r.withAlerting) && r.addedReads < 0.1 && r.claimWritesPerEvent === 2 && r.withAlerting.events === r.locks ? 'yes' : 'NO',
    ],
  ];
}
