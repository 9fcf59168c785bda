/**
 * Section 11, "views" (`npm run bench -- views`): the states and locks pages in real Chromium at
 * 5,000 and 20,000 states with 2,000 live locks in one backend, the overview with 60 backends of
 * 300–1,000 states, and the live reads of a 20,000-state backend while its first inventory pass runs
 * under throttling. Its own moto (the views need a watch interval, not the cold reads of sections
 * 1–6), seeded in bulk through the real protocol (views-seed.ts). Scale: BENCH_VIEW_STATES
 * ("5000,20000"), BENCH_VIEW_LOCKS (2000), BENCH_VIEW_BACKENDS (60), BENCH_VIEW_BACKEND_STATES
 * ("300-1000"), BENCH_VIEW_ROUNDS (typing rounds, 5), BENCH_VIEW_LOAD_SECONDS (1200),
 * BENCH_VIEW_SKIP_LOAD=1 (no load part), BENCH_VIEW_LOAD_MODES ("polled,events": which load runs), BENCH_VIEW_FIRST_WAIT_S (600: how long a navigation may wait
 * for its first rows; on a loaded machine moto reads 20,000 states in minutes, and that time is a figure),
 * BENCH_VIEW_AWS_TIMEOUT_S (the backends' awsTimeoutSeconds; default the app's 10 s).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startApp, type AppProcess } from '../lib/app-process';
import { startAwsFaultProxy } from '../lib/aws-fault-proxy';
import { awsEnv, startMoto } from '../lib/moto';
import { TerraformWriter, stateDocument } from '../lib/terraform-writer';
import { sleep } from '../lib/wait';
import { appMetrics } from './app-metrics';
import { getJson, log, median, met, peakRssMiB, pool } from './common';
import type { OwnMotoSection } from './section';
import { clickLatency, firstRows, launchChromium, openProbe, tabMemory, typeFilter, type PageProbe, type Typing } from './views-browser';
import { liveReadsUnderLoad, type LoadResult } from './views-load';
import { eventsUnderLoad, type EventLoadResult } from './views-load-events';
import { wireEvents } from '../lib/event-stack';
import { rawRead, type RawRead } from './views-raw';
import { backendEntry, seedViewBackend, type SeededBackend } from './views-seed';

const SCALES = (process.env.BENCH_VIEW_STATES ?? '5000,20000').split(',').map(Number);
const LOCKS = Number(process.env.BENCH_VIEW_LOCKS ?? 2000);
const FLEET = Number(process.env.BENCH_VIEW_BACKENDS ?? 60);
const [FLEET_MIN, FLEET_MAX] = (process.env.BENCH_VIEW_BACKEND_STATES ?? '300-1000').split('-').map(Number) as [number, number];
const FLEET_LOCKS = 3;
const ROUNDS = Number(process.env.BENCH_VIEW_ROUNDS ?? 5);
const TYPED = 'svc-0123';
const POLL_S = 5;
const WATCH_S = 10;
const FIRST_WAIT_MS = Number(process.env.BENCH_VIEW_FIRST_WAIT_S ?? 600) * 1000;
/** A change reaches a poll after the watcher's next read: the interval plus one read of the backend (tens of seconds at 20,000 states on moto). */
const CHANGE_WAIT_MS = 120_000;
/** The "live reads under load" runs: polled (views-load.ts), events (views-load-events.ts); BENCH_VIEW_SKIP_LOAD=1 runs neither. */
const LOAD_MODES = process.env.BENCH_VIEW_SKIP_LOAD === '1' ? [] : (process.env.BENCH_VIEW_LOAD_MODES ?? 'polled,events').split(',');
const AWS_TIMEOUT_S = process.env.BENCH_VIEW_AWS_TIMEOUT_S ? Number(process.env.BENCH_VIEW_AWS_TIMEOUT_S) : null;

interface PageFigures {
  firstRowsMs: number[];
  typing: Typing;
  /** A status count or the stale count clicked on and off; a column sort (locks). */
  clicks: Record<string, number[]>;
  /** Bytes over the wire: the first (whole) answer, each unchanged poll, the poll carrying one change. */
  wholeBytes: number;
  unchangedPollBytes: number[];
  oneChangeBytes: number | null;
  /** The app's backend reads that ended while the change was waited for, and how long that wait was (s). */
  changeWait: { reads: number; seconds: number };
  memory: { jsHeapMiB: number; nodes: number };
}

/** The server's first (cold) answers, and what the app's reads ended as while the pages were measured. */
interface ColdReads {
  raw: RawRead;
  statesMs: number;
  locksMs: number;
  /** Error codes the cold answers carried (a read that timed out is served as what it is). */
  errors: string[];
  reads: { ok: number; error: number };
}

interface ScaleResult {
  states: number;
  locks: number;
  cold: ColdReads;
  statesPage: PageFigures;
  locksPage: PageFigures;
  serverPeakRssMiB: number;
}

interface FleetResult {
  backends: number;
  states: number;
  locks: number;
  cold: { firstRowsMs: number; allLocksMs: number };
  warm: { firstRowsMs: number[]; allLocksMs: number[] };
  statesFirstRowsMs: number[];
  /** Listing requests of the page in its busiest second, and per poll interval, after the first load. */
  busiestSecond: number;
  perPoll: number;
  /** The watchers over 30 s: passes and AWS calls per pass. */
  watcherPasses: number;
  watcherCallsPerPass: Record<string, number>;
  serverPeakRssMiB: number;
}

export interface ViewsResult {
  /** The machine's 1-minute load average when the section started and ended (other work shares the cores). */
  loadAverage: [number, number];
  scales: ScaleResult[];
  fleet: FleetResult | null;
  load: LoadResult | null;
  loadEvents: EventLoadResult | null;
}

function writeConfig(dir: string, name: string, backends: SeededBackend[], extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ backends: backends.map((b) => ({ ...backendEntry(b), ...(AWS_TIMEOUT_S ? { awsTimeoutSeconds: AWS_TIMEOUT_S } : {}), ...extra })), pollIntervalSeconds: POLL_S, watchIntervalSeconds: WATCH_S, staleAfterMinutes: 600 }));
  return file;
}

/** Waits until an answer matching `pred` arrives (after `from`), up to `ms`. */
async function answerAfter(probe: PageProbe, from: number, pred: (a: PageProbe['answers'][number]) => boolean, ms = 45_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const a = probe.answers.find((x) => x.at >= from && x.full !== null && pred(x));
    if (a) return a;
    await sleep(250);
  }
  return null;
}

/** Polls that found nothing changed, over `seconds` of an open page. */
async function quietPolls(probe: PageProbe, seconds: number): Promise<number[]> {
  const from = Date.now();
  await sleep(seconds * 1000);
  return probe.answers.filter((a) => a.at >= from && a.since && a.full === false && a.changed === 0 && a.removed === 0).map((a) => a.bytes);
}

async function statesPage(app: AppProcess, probe: PageProbe, w: TerraformWriter, b: SeededBackend): Promise<PageFigures> {
  const firstRowsMs = await firstRows(probe, `${app.base}/states`, 'state-row', 3, FIRST_WAIT_MS);
  await wholeListing(probe);
  const typing = await typeFilter(probe, 'Search states', TYPED, ROUNDS);
  const count = '[data-testid="status-count-mismatch"]';
  const clicks = { 'status filter': await clickLatency(probe, count, `${count}[aria-pressed="true"]`, `${count}[aria-pressed="false"]`) };
  const unchanged = await quietPolls(probe, 2 * POLL_S + 2);
  const wait = await changeSeen(app, probe, () => w.s3.send(new PutObjectCommand({ Bucket: b.bucket, Key: b.keys[123]!, Body: stateDocument({ serial: 99, lineage: 'changed' }), ContentType: 'application/json' })), (a) => a.changed === 1);
  return { firstRowsMs, typing, clicks, wholeBytes: wholeBytes(probe), unchangedPollBytes: unchanged, ...wait, memory: await tabMemory(probe) };
}

const wholeBytes = (probe: PageProbe) => probe.answers.find((a) => !a.since && !new URL(a.url).searchParams.has('limit'))?.bytes ?? NaN;

/**
 * Makes one change and waits for the page's poll carrying it; also counts the app's backend reads
 * that ended meanwhile (a change is seen only after a read that started after it).
 */
async function changeSeen(app: AppProcess, probe: PageProbe, change: () => Promise<unknown>, pred: (a: PageProbe['answers'][number]) => boolean): Promise<Pick<PageFigures, 'oneChangeBytes' | 'changeWait'>> {
  const before = await readOutcomes(app.base);
  const from = Date.now();
  await change();
  const seen = await answerAfter(probe, from, (a) => a.since && pred(a), CHANGE_WAIT_MS);
  const after = await readOutcomes(app.base);
  return { oneChangeBytes: seen?.bytes ?? null, changeWait: { reads: after.ok + after.error - before.ok - before.error, seconds: Math.round((Date.now() - from) / 1000) } };
}

/** Typing is timed on the whole listing: waits until no first page is shown (lib/queries/first-page.ts). */
async function wholeListing(probe: PageProbe): Promise<void> {
  await probe.page.getByTestId('first-page-note').waitFor({ state: 'detached', timeout: FIRST_WAIT_MS });
}

async function locksPage(app: AppProcess, probe: PageProbe, w: TerraformWriter, b: SeededBackend): Promise<PageFigures> {
  const firstRowsMs = await firstRows(probe, `${app.base}/`, 'lock-row', 3, FIRST_WAIT_MS);
  await wholeListing(probe);
  const typing = await typeFilter(probe, 'Filter locks', TYPED, ROUNDS);
  const who = 'thead th:nth-child(4)';
  const stale = '[data-testid="lock-summary"] li:nth-child(2) button';
  const clicks = {
    sort: await clickLatency(probe, `${who} button`, `${who}[aria-sort="descending"]`, `${who}[aria-sort="ascending"]`),
    'stale filter': await clickLatency(probe, stale, `${stale}[aria-pressed="true"]`, `${stale}[aria-pressed="false"]`),
  };
  const unchanged = await quietPolls(probe, 2 * POLL_S + 2);
  const key = b.locked[1]!;
  const wait = await changeSeen(
    app,
    probe,
    async () => {
      await w.unlockDynamo(b.table, b.bucket, key);
      await w.unlockFile(b.bucket, key);
    },
    (a) => a.removed === 1,
  );
  return { firstRowsMs, typing, clicks, wholeBytes: wholeBytes(probe), unchangedPollBytes: unchanged, ...wait, memory: await tabMemory(probe) };
}

/** A cold listing answer: its time and the error codes it carried. */
async function coldAnswer(url: string): Promise<{ ms: number; errors: string[] }> {
  const t0 = performance.now();
  const body = (await getJson(url)) as { errors?: Array<{ code?: string }> };
  return { ms: performance.now() - t0, errors: (body.errors ?? []).map((e) => e.code ?? 'error') };
}

async function readOutcomes(base: string): Promise<{ ok: number; error: number }> {
  const text = await (await fetch(`${base}/api/metrics`)).text();
  const sum = (outcome: string) => [...text.matchAll(new RegExp(`^lockboard_backend_reads_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  return { ok: sum('ok'), error: sum('error') };
}

async function oneScale(distDir: string, dir: string, endpoint: string, w: TerraformWriter, b: SeededBackend, browser: Awaited<ReturnType<typeof launchChromium>>): Promise<ScaleResult> {
  // The same data read by the SDK alone just before: what the local stack itself costs now.
  const raw = await rawRead(endpoint, b);
  log(`views: ${b.keys.length} states: raw read ${s(raw.ms)} (slowest Scan page ${s(raw.scanSlowestPageMs)}, slowest list page ${s(raw.listSlowestPageMs)})`);
  const app = await startApp({ distDir, env: { ...awsEnv(endpoint), LOCKBOARD_CONFIG: writeConfig(dir, b.id, [b]) } });
  try {
    // The server holds a fresh read (the watcher keeps reading while the pages poll).
    const statesCold = await coldAnswer(`${app.base}/api/backends/${b.id}/states`);
    const locksCold = await coldAnswer(`${app.base}/api/backends/${b.id}/locks`);
    log(`views: ${b.keys.length} states: cold /states ${s(statesCold.ms)}, /locks ${s(locksCold.ms)}${statesCold.errors.length + locksCold.errors.length ? ` (errors ${[...statesCold.errors, ...locksCold.errors].join(', ')})` : ''}`);
    log(`views: ${b.keys.length} states, ${b.locked.length} locks: states page`);
    let probe = await openProbe(browser);
    const states = await statesPage(app, probe, w, b).finally(() => probe.close());
    log(`views: ${b.keys.length} states: locks page`);
    probe = await openProbe(browser);
    const locks = await locksPage(app, probe, w, b).finally(() => probe.close());
    const cold: ColdReads = { raw, statesMs: statesCold.ms, locksMs: locksCold.ms, errors: [...new Set([...statesCold.errors, ...locksCold.errors])], reads: await readOutcomes(app.base) };
    return { states: b.keys.length, locks: b.locked.length, cold, statesPage: states, locksPage: locks, serverPeakRssMiB: app.child.pid ? peakRssMiB(app.child.pid) : NaN };
  } finally {
    await app.stop();
  }
}

/** Navigation → every backend's locks counted (the summary says all of them, none unknown). */
async function allLocks(probe: PageProbe, url: string, total: number): Promise<{ firstRowsMs: number; allLocksMs: number }> {
  await probe.page.goto('about:blank');
  const t0 = performance.now();
  await probe.page.goto(url, { waitUntil: 'commit' });
  await probe.page.getByTestId('lock-row').first().waitFor({ state: 'visible', timeout: 120_000 });
  const firstRowsMs = performance.now() - t0;
  await probe.page.waitForFunction(
    (n) => !document.querySelector('[data-testid="lock-summary-unknown"]') && document.querySelector('[data-testid="lock-summary"] li button')?.textContent?.startsWith(`${n} locks`),
    total,
    { timeout: 120_000, polling: 50 },
  );
  return { firstRowsMs, allLocksMs: performance.now() - t0 };
}

async function fleet(distDir: string, dir: string, endpoint: string, backends: SeededBackend[], browser: Awaited<ReturnType<typeof launchChromium>>): Promise<FleetResult> {
  const app = await startApp({ distDir, env: { ...awsEnv(endpoint), LOCKBOARD_CONFIG: writeConfig(dir, 'fleet', backends) } });
  const total = backends.reduce((n, b) => n + b.locked.length, 0);
  try {
    log(`views: overview of ${backends.length} backends`);
    const probe = await openProbe(browser);
    try {
      const cold = await allLocks(probe, `${app.base}/`, total);
      const warm = { firstRowsMs: [] as number[], allLocksMs: [] as number[] };
      for (let i = 0; i < 3; i++) {
        const r = await allLocks(probe, `${app.base}/`, total);
        warm.firstRowsMs.push(r.firstRowsMs);
        warm.allLocksMs.push(r.allLocksMs);
      }
      // Requests while the page stays open: per second at most, and per poll interval.
      const from = Date.now();
      const before = await appMetrics(app.base);
      await sleep(30_000);
      const after = await appMetrics(app.base);
      const times = probe.answers.filter((a) => a.at >= from).map((a) => a.at);
      let busiest = 0;
      for (const t of times) busiest = Math.max(busiest, times.filter((x) => x >= t && x < t + 1000).length);
      const passes = after.backendReads - before.backendReads;
      const watcher = after.byOrigin.watcher ?? {};
      const calls = Object.fromEntries(Object.entries(watcher).map(([k, n]) => [k, Math.round(((n - (before.byOrigin.watcher?.[k] ?? 0)) / Math.max(1, passes)) * 100) / 100]));
      const statesFirstRowsMs = await firstRows(probe, `${app.base}/states`, 'state-row');
      return {
        backends: backends.length,
        states: backends.reduce((n, b) => n + b.keys.length, 0),
        locks: total,
        cold,
        warm,
        statesFirstRowsMs,
        busiestSecond: busiest,
        perPoll: Math.round((times.length / 30) * POLL_S),
        watcherPasses: passes,
        watcherCallsPerPass: calls,
        serverPeakRssMiB: app.child.pid ? peakRssMiB(app.child.pid) : NaN,
      };
    } finally {
      await probe.close();
    }
  } finally {
    await app.stop();
  }
}

async function runViews(distDir: string): Promise<ViewsResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-bench-views-'));
  const moto = await startMoto({ logFile: path.join(dir, 'moto.log') });
  const proxy = await startAwsFaultProxy(moto.endpoint);
  Object.assign(process.env, awsEnv(moto.endpoint));
  const w = new TerraformWriter({ endpoint: moto.endpoint });
  const browser = await launchChromium();
  const loadBefore = os.loadavg()[0]!;
  try {
    const t = performance.now();
    const big: SeededBackend[] = [];
    for (const n of SCALES) big.push(await seedViewBackend(w, `s${n}`, n, Math.min(LOCKS, n)));
    const sizes = Array.from({ length: FLEET }, (_, i) => Math.round(FLEET_MIN + ((FLEET_MAX - FLEET_MIN) * i) / Math.max(1, FLEET - 1)));
    const fleetBackends: SeededBackend[] = new Array(FLEET);
    await pool(sizes, 2, async (n, i) => void (fleetBackends[i] = await seedViewBackend(w, `b${String(i).padStart(2, '0')}`, n, FLEET_LOCKS)));
    log(`views: seeded ${SCALES.join(' + ')} states and ${FLEET} backends (${sizes.reduce((a, b) => a + b, 0)} states) in ${((performance.now() - t) / 1000).toFixed(0)} s`);

    const scales: ScaleResult[] = [];
    for (const b of big) scales.push(await oneScale(distDir, dir, moto.endpoint, w, b, browser));
    const fleetResult = FLEET > 0 ? await fleet(distDir, dir, moto.endpoint, fleetBackends, browser) : null;
    let load: LoadResult | null = null;
    let loadEvents: EventLoadResult | null = null;
    const largest = big.reduce((a, b) => (b.keys.length > a.keys.length ? b : a));
    if (LOAD_MODES.includes('polled')) load = await liveReadsUnderLoad(distDir, writeConfig(dir, 'load', [largest]), proxy, w, largest, WATCH_S);
    if (LOAD_MODES.includes('events')) {
      // A backend of its own: the polled run above leaves its pass's index in the bucket. Events are wired after seeding.
      const b = await seedViewBackend(w, `e${largest.keys.length}`, largest.keys.length, largest.locked.length);
      const events = await wireEvents(w, { endpoint: moto.endpoint, bucket: b.bucket, table: b.table, via: 'queue' });
      loadEvents = await eventsUnderLoad(distDir, writeConfig(dir, 'load-events', [b], { events }), proxy, w, b);
    }
    return { loadAverage: [loadBefore, os.loadavg()[0]!], scales, fleet: fleetResult, load, loadEvents };
  } finally {
    await browser.close();
    await proxy.close();
    w.destroy();
    await moto.stop();
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msf = (n: number) => `${Math.round(n)} ms`;
const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;

function pageRows(label: string, p: PageFigures): string[][] {
  const clicks = Object.entries(p.clicks).map(([k, v]) => `${k} ${msf(median(v))} (max ${msf(Math.max(...v))})`).join('; ');
  const maxQuiet = Math.max(...p.unchangedPollBytes);
  return [
    ['11', `${label}: first rows (median of 3, server read fresh)`, s(median(p.firstRowsMs)), '', `max ${s(Math.max(...p.firstRowsMs))}`, '< 2 s', met(Math.max(...p.firstRowsMs) < 2000)],
    ['11', `${label}: keystroke → rows (${p.typing.latencies.length} keys)`, `p50 ${msf(p.typing.p50)}, p95 ${msf(p.typing.p95)}`, '', `max ${msf(p.typing.max)}; longest task ${msf(p.typing.longestTaskMs)} (${p.typing.tasksOver100} over 100 ms); clear filter ${msf(median(p.typing.clear))}; ${clicks}`, 'p95 < 50 ms, no task > 100 ms', met(p.typing.p95 < 50 && p.typing.tasksOver100 === 0)],
    ['11', `${label}: bytes per poll`, `unchanged ${p.unchangedPollBytes.length ? kb(maxQuiet) : 'none seen'}`, '', `whole listing ${kb(p.wholeBytes)}; one change ${p.oneChangeBytes === null ? 'not seen' : kb(p.oneChangeBytes)} (${p.changeWait.seconds} s, ${p.changeWait.reads} backend reads ended meanwhile)`, '< 5 kB', met(p.unchangedPollBytes.length > 0 && maxQuiet < 5000 && p.oneChangeBytes !== null && p.oneChangeBytes < 5000)],
    ['11', `${label}: tab memory`, `JS heap ${p.memory.jsHeapMiB} MiB`, '', `${p.memory.nodes} DOM nodes`, '< 300 MB', met(p.memory.jsHeapMiB < 286)],
  ];
}

function viewsRows(r: ViewsResult): string[][] {
  const rows: string[][] = [['11', 'machine load while measuring (1-min average; other work shares the cores)', `${r.loadAverage[0].toFixed(1)} → ${r.loadAverage[1].toFixed(1)}`, '', '', '', '']];
  for (const sc of r.scales) {
    const c = sc.cold;
    rows.push(['11', `${sc.states} states: cold /states, /locks (the server's first read)`, `${s(c.statesMs)}, ${s(c.locksMs)}${c.errors.length ? ` (carrying ${c.errors.join(', ')})` : ''}`, `raw read ${s(c.raw.ms)}`, `raw: Scan ${s(c.raw.scanMs)} (slowest page ${s(c.raw.scanSlowestPageMs)}), listing ${s(c.raw.listMs)} (slowest page ${s(c.raw.listSlowestPageMs)}); app reads while measuring: ${c.reads.ok} ok, ${c.reads.error} failed`, '', '']);
    rows.push(...pageRows(`states page, ${sc.states} states`, sc.statesPage));
    rows.push(...pageRows(`locks page, ${sc.locks} locks (${sc.states} states)`, sc.locksPage));
  }
  if (r.fleet) {
    const f = r.fleet;
    rows.push(['11', `overview, ${f.backends} backends (${f.states} states, ${f.locks} locks): first rows / all locks, warm (max of 3)`, `${s(Math.max(...f.warm.firstRowsMs))} / ${s(Math.max(...f.warm.allLocksMs))}`, '', `cold ${s(f.cold.firstRowsMs)} / ${s(f.cold.allLocksMs)}; states page first rows ${s(median(f.statesFirstRowsMs))}`, '< 2 s / < 5 s', met(Math.max(...f.warm.firstRowsMs) < 2000 && Math.max(...f.warm.allLocksMs) < 5000)]);
    rows.push(['11', `overview, ${f.backends} backends: requests and server`, `${f.perPoll} listing requests per poll, busiest second ${f.busiestSecond}`, '', `watchers: ${f.watcherPasses} passes in 30 s, per pass ${Object.entries(f.watcherCallsPerPass).map(([k, v]) => `${k} ${v}`).join(', ')}; server peak RSS ${f.serverPeakRssMiB} MiB`, '< 1 GB', met(f.serverPeakRssMiB < 954)]);
  }
  if (r.load) {
    const l = r.load;
    const backoffs = Object.entries(l.backoffs).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    rows.push(['11', `live reads under load: /locks while indexing ${l.states} states, throttled`, `max age ${s(l.underLoad.maxAgeMs)} (p95 ${s(l.underLoad.p95AgeMs)}), ${l.underLoad.errors} errors, ${l.underLoad.status504} × 504 in ${l.underLoad.samples} samples`, `idle: max age ${s(l.idle.maxAgeMs)}`, `bound ${s(l.boundMs)} (watch ${l.watchSeconds} s + one read ${s(l.oneReadMs)}); pass ${l.pass.completed ? 'completed' : 'NOT completed'} in ${l.pass.seconds.toFixed(0)} s (${l.pass.done}/${l.pass.total}, ${l.pass.downloads} downloads); ${l.throttledRequests} requests throttled; backoffs ${backoffs}; server peak RSS ${l.serverPeakRssMiB} MiB`, 'no 504, age ≤ bound, pass completes', met(l.underLoad.status504 === 0 && l.underLoad.errors === 0 && l.underLoad.maxAgeMs <= l.boundMs && l.pass.completed)]);
  }
  if (r.loadEvents) {
    const e = r.loadEvents;
    const u = e.underLoad;
    const c = e.changes;
    const backoffs = Object.entries(e.backoffs).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    rows.push([
      '11',
      `live reads under load, event mode: /locks while indexing ${e.states} states, throttled`,
      `pass ${e.pass.completed ? 'completed' : 'NOT completed'} ${e.pass.seconds.toFixed(0)} s after start-up (${e.pass.downloads} downloads for ${e.states} states); ${u.errors} errors, ${u.status504} × 504 in ${u.samples} samples`,
      '',
      `${c.appearMs.length} locks taken meanwhile: listed after p50 ${msf(median(c.appearMs))}, max ${msf(Math.max(0, ...c.appearMs))}; gone after p50 ${msf(median(c.goneMs))}, max ${msf(Math.max(0, ...c.goneMs))}; ${c.missed} missed; /locks age max ${s(u.maxAgeMs)}; watcher calls ${Object.entries(e.watcherCalls).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}; ${e.throttledRequests} requests throttled; backoffs ${backoffs}; server peak RSS ${e.serverPeakRssMiB} MiB`,
      'no 504, changes seen, pass completes',
      met(u.status504 === 0 && u.errors === 0 && c.missed === 0 && c.appearMs.length > 0 && e.pass.completed),
    ]);
  }
  return rows;
}

export const viewsSection: OwnMotoSection<ViewsResult> = {
  name: 'views',
  key: 'views',
  ownMoto: true,
  run: runViews,
  rows: viewsRows,
};
