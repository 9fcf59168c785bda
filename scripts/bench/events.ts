/**
 * Section 9, "events" (`npm run bench -- events`, also part of the full bench; issue 24): how soon a
 * real `terraform apply` is seen, and what a quiet backend costs, in event mode and polled, in the
 * same run. One built app, two backends on one moto: `events` (bucket notification → SNS topic → this
 * replica's queue, and the table's stream) and `polled` (the watcher at 10 s). Each run starts one
 * apply on each backend at the same moment; for each, from a raw SDK GetItem loop, when its lock item
 * exists; from GET /locks, when Lockboard lists it (appear) and, once the apply exits, when it no
 * longer does (gone); from GET /states, when the state written shows its new ETag with a matching
 * digest. Then a quiet window (the app restarted with the event-mode backend alone) with a viewer
 * polling it: its AWS calls by
 * operation, extrapolated to an hour. Calls per hour at 20,000 states: the quiet window's event calls
 * scaled to an hour, plus full reads (6 reconciles an hour in event mode, 360 polls at 10 s) of 20
 * ListObjectsV2 pages (1,000 keys each) and 2 Scan pages (1 MB each, ~100-byte digest items).
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type AppProcess } from '../lib/app-process';
import { wireEvents } from '../lib/event-stack';
import { awsEnv, startMoto } from '../lib/moto';
import { TerraformDir, terraformInfo } from '../lib/terraform-cli';
import { TerraformWriter, stateDocument } from '../lib/terraform-writer';
import { sleep } from '../lib/wait';
import { appMetrics, delta, fmtCalls } from './app-metrics';
import { log, met, percentile } from './common';
import type { OwnMotoSection } from './section';

const RUNS = Number(process.env.BENCH_EVENTS_RUNS ?? 10);
const STATES = Number(process.env.BENCH_EVENTS_STATES ?? 2000);
const QUIET_S = Number(process.env.BENCH_EVENTS_QUIET_SECONDS ?? 60);
const POLL_S = 10;
const TARGET_MS = 3_000;
const AT_SCALE = 20_000;
const DIGEST_ITEM_BYTES = 100;
const KEY = 'bench/app/terraform.tfstate';
/** The apply holds its lock this long (more than the poll interval, so polling sees it too). */
const HOLD_S = Number(process.env.BENCH_EVENTS_HOLD_SECONDS ?? 12);

interface Timings {
  appearMs: number[];
  goneMs: number[];
  digestMs: number[];
  /** Applies whose lock was never listed while it was held. */
  missed: number;
}

export interface EventsResult {
  runs: number;
  states: number;
  events: Timings;
  polled: Timings;
  /** The start-up reconcile of the event-mode backend (one full read at `states`): its calls. */
  reconcileCalls: Record<string, number>;
  quietSeconds: number;
  /** Every AWS call of the quiet window, by origin then `service:Operation`. */
  quietCalls: Record<string, Record<string, number>>;
  perHourAt20k: { polling: Record<string, number>; events: Record<string, number> };
}

async function waitUntil(ms: number, probe: () => Promise<boolean>, stepMs = 50): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await probe().catch(() => false)) return Date.now();
    await sleep(stepMs);
  }
  return null;
}

async function listed(app: AppProcess, backend: string): Promise<boolean> {
  const body = (await (await fetch(`${app.base}/api/backends/${backend}/locks`)).json()) as { locks?: Array<{ key: string }> };
  return (body.locks ?? []).some((l) => l.key === KEY);
}

async function stateShows(app: AppProcess, backend: string, etag: string): Promise<boolean> {
  const body = (await (await fetch(`${app.base}/api/backends/${backend}/states`)).json()) as { states?: Array<{ key: string; etag: string; digestStatus: string }> };
  const s = (body.states ?? []).find((x) => x.key === KEY);
  return s?.etag === etag && s.digestStatus === 'match';
}

/**
 * One apply on one backend: appear (from the lock item's existence), gone and digest (from the
 * apply's exit). A change not seen at all within 30 s counts as missed (a poll can miss a short lock).
 */
async function measureApply(app: AppProcess, w: TerraformWriter, tf: TerraformDir, backend: string, bucket: string, table: string, into: Timings): Promise<void> {
  const lockExists = async () => (await w.ddb.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: `${bucket}/${KEY}` } }, ConsistentRead: true }))).Item !== undefined;
  const running = tf.startApply();
  const locked = await waitUntil(30_000, lockExists, 20);
  const exited = running.exited.then((r) => ({ ...r, at: Date.now() }));
  // Seen before the apply ends, or not at all.
  let ended = false;
  void exited.then(() => (ended = true));
  const seen = await waitUntil(30_000, async () => ended || (await listed(app, backend)), 50);
  const result = await exited;
  if (result.code !== 0) throw new Error(`terraform apply on ${backend} exited ${result.code}: ${result.stderr.slice(-500)}`);
  const gone = await waitUntil(30_000, async () => !(await listed(app, backend)), 50);
  const etag = ((await w.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: KEY }))).ETag ?? '').replace(/"/g, '');
  const digest = await waitUntil(30_000, () => stateShows(app, backend, etag), 100);
  if (locked === null || seen === null || seen >= result.at) into.missed++;
  else into.appearMs.push(Math.max(0, seen - locked));
  if (gone !== null) into.goneMs.push(Math.max(0, gone - result.at));
  if (digest !== null) into.digestMs.push(Math.max(0, digest - result.at));
}

async function runEventsSection(distDir: string): Promise<EventsResult> {
  if (!terraformInfo()) throw new Error('terraform is not on PATH: the events section needs the real CLI');
  const moto = await startMoto();
  Object.assign(process.env, awsEnv(moto.endpoint));
  const w = new TerraformWriter({ endpoint: moto.endpoint });
  const dirs: TerraformDir[] = [];
  let app: AppProcess | null = null;
  try {
    const stamp = Date.now();
    const ev = { bucket: `bench-ev-${stamp}`, table: `bench-ev-${stamp}-locks` };
    const po = { bucket: `bench-po-${stamp}`, table: `bench-po-${stamp}-locks` };
    for (const b of [ev, po]) {
      await w.createBucket(b.bucket);
      await w.createTable(b.table);
    }
    const lineage = crypto.randomUUID();
    log(`events: seeding ${STATES} states with digests into the event-mode backend`);
    for (let i = 0; i < STATES; i++) await w.putState(ev.bucket, `svc${i}/terraform.tfstate`, stateDocument({ serial: 1, lineage }), ev.table);
    // Wired after seeding: the seed's own events would only slow moto down.
    const events = await wireEvents(w, { endpoint: moto.endpoint, bucket: ev.bucket, table: ev.table, via: 'topic' });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-bench-events-'));
    const configFile = path.join(tmp, 'config.json');
    const backend = (id: string, b: typeof ev, extra: object = {}) => ({ id, region: 'us-east-1', bucket: b.bucket, dynamodbTable: b.table, useLockfile: true, forcePathStyle: true, scanSegments: 1, ...extra });
    fs.writeFileSync(configFile, JSON.stringify({ backends: [backend('events', ev, { events }), backend('polled', po)], watchIntervalSeconds: POLL_S, pollIntervalSeconds: 1 }));
    app = await startApp({ distDir, env: { ...awsEnv(moto.endpoint), LOCKBOARD_CONFIG: configFile, LOCKBOARD_REPLICA_ID: 'bench' } });
    const a = app;
    const mode = await waitUntil(120_000, async () => ((await (await fetch(`${a.base}/api/backends`)).json()) as { backends: Array<{ id: string; mode: { mode: string } }> }).backends.find((b) => b.id === 'events')?.mode.mode === 'events', 200);
    if (mode === null) throw new Error('the event-mode backend never reached event mode');
    const reconcileCalls = (await appMetrics(a.base)).byOrigin.watcher ?? {};
    log(`events: start-up reconcile at ${STATES} states: ${fmtCalls(reconcileCalls)}`);

    const tfs = [ev, po].map((b) => new TerraformDir({ endpoint: moto.endpoint, bucket: b.bucket, key: KEY, dynamodbTable: b.table, useLockfile: true, sleepSeconds: HOLD_S }));
    dirs.push(...tfs);
    await Promise.all(tfs.map((tf) => tf.init()));
    const timings: { events: Timings; polled: Timings } = { events: { appearMs: [], goneMs: [], digestMs: [], missed: 0 }, polled: { appearMs: [], goneMs: [], digestMs: [], missed: 0 } };
    for (let i = 0; i < RUNS; i++) {
      await Promise.all([measureApply(a, w, tfs[0]!, 'events', ev.bucket, ev.table, timings.events), measureApply(a, w, tfs[1]!, 'polled', po.bucket, po.table, timings.polled)]);
      log(`events: run ${i + 1}/${RUNS}: events appear ${timings.events.appearMs.at(-1)} ms, gone ${timings.events.goneMs.at(-1)} ms, digest ${timings.events.digestMs.at(-1)} ms; polled appear ${timings.polled.appearMs.at(-1)} ms, gone ${timings.polled.goneMs.at(-1)} ms`);
    }

    // Quiet: the app again with the event-mode backend alone (its counters have no backend label, and
    // each metrics scrape keeps every watcher reading), nobody changing anything, a viewer polling it
    // every second (so its watcher runs too).
    await a.stop();
    const quietConfig = path.join(tmp, 'quiet.json');
    fs.writeFileSync(quietConfig, JSON.stringify({ backends: [backend('events', ev, { events })], watchIntervalSeconds: POLL_S, pollIntervalSeconds: 1 }));
    app = await startApp({ distDir, env: { ...awsEnv(moto.endpoint), LOCKBOARD_CONFIG: quietConfig, LOCKBOARD_REPLICA_ID: 'bench' } });
    const q = app;
    if ((await waitUntil(120_000, async () => ((await (await fetch(`${q.base}/api/backends`)).json()) as { backends: Array<{ mode: { mode: string } }> }).backends[0]?.mode.mode === 'events', 200)) === null) throw new Error('the quiet run never reached event mode');
    const before = await appMetrics(q.base);
    const end = Date.now() + QUIET_S * 1000;
    while (Date.now() < end) {
      await fetch(`${q.base}/api/backends/events/locks`).then((r) => r.arrayBuffer());
      await sleep(1_000);
    }
    const after = await appMetrics(q.base);
    const quietCalls: Record<string, Record<string, number>> = {};
    for (const [origin, calls] of Object.entries(after.byOrigin)) {
      const d = delta(calls, before.byOrigin[origin] ?? {});
      if (Object.keys(d).length > 0) quietCalls[origin] = d;
    }
    log(`events: quiet ${QUIET_S} s: ${Object.entries(quietCalls).map(([o, c]) => `${o}: ${fmtCalls(c)}`).join('; ') || '(no call)'}`);

    // At 20,000 states: a listing page holds 1,000 keys; a Scan page 1 MB, and a digest item is about
    // 100 bytes (20,000 items: 2 MB, 2 pages with one segment; the measured read at STATES is printed).
    const listPages = Math.ceil(AT_SCALE / 1000);
    const scanPages = Math.max(1, Math.ceil((AT_SCALE * DIGEST_ITEM_BYTES) / 1_000_000));
    const perHour = (n: number) => Math.round((n * 3600) / QUIET_S);
    const polling = { 's3:ListObjectsV2': listPages * (3600 / POLL_S), 'dynamodb:Scan': scanPages * (3600 / POLL_S) };
    const eventsPerHour: Record<string, number> = { 's3:ListObjectsV2': listPages * 6, 'dynamodb:Scan': scanPages * 6 };
    for (const [k, v] of Object.entries(quietCalls.events ?? {})) eventsPerHour[k] = perHour(v);
    return { runs: RUNS, states: STATES, ...timings, reconcileCalls, quietSeconds: QUIET_S, quietCalls, perHourAt20k: { polling, events: eventsPerHour } };
  } finally {
    if (app) await app.stop();
    for (const d of dirs) d.cleanup();
    w.destroy();
    await moto.stop();
  }
}

const p95 = (v: number[]) => (v.length > 0 ? percentile(v, 95) : NaN);
const fmt = (v: number[]) => (v.length === 0 ? 'none seen' : `p50 ${percentile(v, 50).toFixed(0)} ms, p95 ${p95(v).toFixed(0)} ms, max ${Math.max(...v).toFixed(0)} ms (${v.length})`);
const missed = (t: Timings) => (t.missed > 0 ? `; missed ${t.missed}` : '');
const total = (c: Record<string, number>) => Object.values(c).reduce((s, n) => s + n, 0);

function eventsRows(r: EventsResult): string[][] {
  const quietListings = (r.quietCalls.watcher?.['dynamodb:Scan'] ?? 0) + (r.quietCalls.watcher?.['s3:ListObjectsV2'] ?? 0);
  return [
    ['9', `terraform apply → lock listed (${r.runs} runs)`, `${fmt(r.events.appearMs)}${missed(r.events)}`, `polled at ${POLL_S} s: ${fmt(r.polled.appearMs)}${missed(r.polled)}`, '', `p95 ≤ ${TARGET_MS} ms`, met(r.events.missed === 0 && p95(r.events.appearMs) <= TARGET_MS)],
    ['9', 'apply ends → lock gone', fmt(r.events.goneMs), `polled: ${fmt(r.polled.goneMs)}`, '', `p95 ≤ ${TARGET_MS} ms`, met(r.events.goneMs.length === r.runs && p95(r.events.goneMs) <= TARGET_MS)],
    ['9', 'apply ends → new state, digest match', fmt(r.events.digestMs), `polled: ${fmt(r.polled.digestMs)}`, '', `p95 ≤ ${TARGET_MS} ms`, met(r.events.digestMs.length === r.runs && p95(r.events.digestMs) <= TARGET_MS)],
    ['9', `quiet ${r.quietSeconds} s, event mode (${r.states} states)`, `watcher: ${fmtCalls(r.quietCalls.watcher ?? {})}`, `events: ${fmtCalls(r.quietCalls.events ?? {})}`, `Scan + ListObjectsV2: ${quietListings}`, '0 Scan, 0 ListObjectsV2', met(quietListings === 0)],
    ['9', `AWS calls per hour at ${AT_SCALE} states, one replica`, `events: ${fmtCalls(r.perHourAt20k.events)} (${total(r.perHourAt20k.events)})`, `polling at ${POLL_S} s: ${fmtCalls(r.perHourAt20k.polling)} (${total(r.perHourAt20k.polling)})`, `${(total(r.perHourAt20k.polling) / Math.max(1, total(r.perHourAt20k.events))).toFixed(1)}× fewer`, 'figure', ''],
  ];
}

export const eventsSection: OwnMotoSection<EventsResult> = {
  name: 'events',
  key: 'events',
  ownMoto: true,
  run: runEventsSection,
  rows: eventsRows,
};
