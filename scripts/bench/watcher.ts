/**
 * Section 8, "watcher" (`npm run bench -- watcher`, also part of the full bench): what
 * the watcher reads from AWS per interval, and what alerting adds to it. Two runs of the built app on
 * the same backend, each with the same viewers polling the locks every interval for the same time and
 * the same locks appearing a few seconds in (every one already stale): (a) viewers only, (b) viewers
 * plus alerting (a webhook channel wanting every lock.stale). Calls are counted by operation and by
 * origin from the app's own `lockboard_aws_calls_total`, and watcher passes from
 * `lockboard_backend_reads_total`, so each figure is exact rather than a difference of two runs'
 * totals (their lengths differ by a pass, and a lock written during a read can be seen half-written,
 * its `.tflock` without its DynamoDB item, which costs one GetObject of its body in either run).
 * Alerting must make no read at all (it evaluates the watcher's snapshot) and only the claim writes:
 * one create (`If-None-Match: *`) and one outcome (`If-Match`) per event.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../lib/app-process';
import { awsEnv, startMoto } from '../lib/moto';
import { TerraformWriter, stateDocument } from '../lib/terraform-writer';
import { sleep } from '../lib/wait';
import { appMetricsBetweenReads, delta, fmtCalls, type AppMetrics } from './app-metrics';
import { log, met, pollAsViewers } from './common';
import type { OwnMotoSection } from './section';

const LOCKS = Number(process.env.BENCH_WATCH_LOCKS ?? 100);
const STATES = Number(process.env.BENCH_WATCH_STATES ?? 300);
const VIEWERS = Number(process.env.BENCH_WATCH_VIEWERS ?? 5);
const SECONDS = Number(process.env.BENCH_WATCH_SECONDS ?? 20);
const INTERVAL_S = 1;
const LOCKS_AT_MS = 3_000;


export interface WatcherRun {
  seconds: number;
  intervals: number;
  /** Backend reads the watcher made (each one Scan and one listing, all pages). */
  passes: number;
  requests: number;
  failures: number;
  /** AWS calls of the run by origin (watcher, alerting, request…), then `service:Operation`. */
  calls: Record<string, Record<string, number>>;
  /** The watcher's calls per pass, by operation. */
  watcherPerPass: Record<string, number>;
  events: number;
}

export interface WatcherResult {
  locks: number;
  states: number;
  viewers: number;
  intervalSeconds: number;
  viewersOnly: WatcherRun;
  withAlerting: WatcherRun;
  /** Reads made by alerting itself in (b) (claims are written, never read, by a lone replica): must be 0. */
  alertingReads: number;
  /** Alerting's PutObject per delivered event in (b): the claim and its outcome, 2. */
  claimWritesPerEvent: number;
}

const WRITES = new Set(['s3:PutObject', 's3:DeleteObject', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem', 'sns:Publish']);
const reads = (calls: Record<string, number> = {}) => Object.entries(calls).reduce((sum, [k, n]) => sum + (WRITES.has(k) ? 0 : n), 0);

function callsDelta(after: AppMetrics, before: AppMetrics): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [origin, calls] of Object.entries(after.byOrigin)) {
    const d = delta(calls, before.byOrigin[origin] ?? {});
    if (Object.keys(d).length > 0) out[origin] = d;
  }
  return out;
}

/** One run: the app with this config, viewers polling /locks every interval, the locks written LOCKS_AT_MS in. */
async function run(distDir: string, endpoint: string, configFile: string, addLocks: () => Promise<void>, events: () => number): Promise<WatcherRun> {
  const app = await startApp({ distDir, env: { ...awsEnv(endpoint), LOCKBOARD_CONFIG: configFile, BENCH_HOOK_SECRET: 'bench' } });
  try {
    const before = await appMetricsBetweenReads(app.base);
    const eventsBefore = events();
    const started = Date.now();
    const end = started + SECONDS * 1000;
    const locksWritten = sleep(LOCKS_AT_MS).then(addLocks);
    const { latencies, failures } = await pollAsViewers(`${app.base}/api/backends/main/locks`, VIEWERS, INTERVAL_S * 1000, end);
    const requests = latencies.length;
    await locksWritten;
    // Alerting's claims and deliveries run beside the reads: let the last ones finish before counting
    // (the watcher keeps reading meanwhile, so the window is measured up to the count).
    await sleep(1_000);
    const after = await appMetricsBetweenReads(app.base);
    const seconds = (Date.now() - started) / 1000;
    const calls = callsDelta(after, before);
    const passes = after.backendReads - before.backendReads;
    const watcherPerPass = Object.fromEntries(Object.entries(calls.watcher ?? {}).map(([k, n]) => [k, passes > 0 ? n / passes : NaN]));
    return { seconds, intervals: seconds / INTERVAL_S, passes, requests, failures, calls, watcherPerPass, events: events() - eventsBefore };
  } finally {
    await app.stop();
  }
}

/** Runs the section on a fresh moto with the build in `distDir`. */
async function runWatcherSection(distDir: string): Promise<WatcherResult> {
  const moto = await startMoto();
  const target = moto.endpoint;
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
      // The section counts the watcher's calls per pass: no inventory pass beside it.
      indexOnStart: false,
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
    const show = (r: WatcherRun) => Object.entries(r.calls).map(([origin, c]) => `${origin}: ${fmtCalls(c)}`).join('; ');
    log(`  ${viewersOnly.passes} passes in ${viewersOnly.intervals.toFixed(1)} intervals; ${show(viewersOnly)}`);
    log('watcher (b): viewers + alerting');
    const withAlerting = await run(distDir, target, alerting, addLocks, () => received);
    log(`  ${withAlerting.passes} passes in ${withAlerting.intervals.toFixed(1)} intervals; ${show(withAlerting)}; ${withAlerting.events} events delivered`);
    await removeLocks();

    const byAlerting = withAlerting.calls.alerting ?? {};
    const claimWritesPerEvent = withAlerting.events > 0 ? (byAlerting['s3:PutObject'] ?? 0) / withAlerting.events : NaN;
    return { locks: LOCKS, states: STATES, viewers: VIEWERS, intervalSeconds: INTERVAL_S, viewersOnly, withAlerting, alertingReads: reads(byAlerting), claimWritesPerEvent };
  } finally {
    await new Promise((r) => receiver.close(r));
    w.destroy();
    await moto.stop();
  }
}

function watcherRows(r: WatcherResult): string[][] {
  const per = (c: Record<string, number>) =>
    Object.entries(c)
      .sort()
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ');
  // Reads start at least an interval apart: a window of n intervals holds at most ⌊n⌋ + 1 of them.
  const passesMet = (run: WatcherRun) => run.passes > 0 && run.passes <= Math.floor(run.intervals) + 1;
  const onePage = (run: WatcherRun) => run.watcherPerPass['dynamodb:Scan'] === 1 && run.watcherPerPass['s3:ListObjectsV2'] === 1;
  const figure = (run: WatcherRun) => `${run.passes} passes in ${run.intervals.toFixed(1)} intervals; viewers' own calls ${reads(run.calls.request)}; ${run.requests} requests, ${run.failures} failed`;
  return [
    ['8', `watcher: ${r.viewers} viewers, ${r.states} states, ${r.locks} locks, ${r.intervalSeconds} s interval`, `per pass: ${per(r.viewersOnly.watcherPerPass)}`, '', figure(r.viewersOnly), '≤ 1 pass/interval, 1 Scan + 1 list each', met(passesMet(r.viewersOnly) && onePage(r.viewersOnly) && r.viewersOnly.failures === 0)],
    [
      '8',
      `watcher + alerting (${r.withAlerting.events} lock.stale delivered)`,
      `per pass: ${per(r.withAlerting.watcherPerPass)}; alerting: ${fmtCalls(r.withAlerting.calls.alerting ?? {})}`,
      '',
      `${figure(r.withAlerting)}; alerting reads ${r.alertingReads}; alerting PutObject per event ${r.claimWritesPerEvent.toFixed(2)}`,
      'same per pass; alerting reads 0; 2 writes per event',
      met(passesMet(r.withAlerting) && onePage(r.withAlerting) && r.withAlerting.failures === 0 && r.alertingReads === 0 && r.claimWritesPerEvent === 2 && r.withAlerting.events === r.locks),
    ],
  ];
}

export const watcherSection: OwnMotoSection<WatcherResult> = {
  name: 'watcher',
  key: 'watcher',
  ownMoto: true,
  run: runWatcherSection,
  rows: watcherRows,
};
