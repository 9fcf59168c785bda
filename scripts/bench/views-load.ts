/**
 * "Live reads under background load" (part of the views section): the app reads a 20,000-state
 * backend through the AWS fault proxy while the first inventory pass downloads every state. `/locks`
 * is sampled every second (its `fetchedAt` age and errors: no 504, no answer older than the watch
 * interval plus one read), the proxy throttles bursts of GetObject (background downloads) for the
 * first 30 s of the pass so the background budget backs off (`lockboard_background_backoffs_total` rises) while the live reads
 * stay fresh, and the pass must still complete.
 */
import { startApp } from '../lib/app-process';
import type { AwsFaultProxy } from '../lib/aws-fault-proxy';
import { awsEnv } from '../lib/moto';
import type { TerraformWriter } from '../lib/terraform-writer';
import { sleep } from '../lib/wait';
import { log, peakRssMiB, percentile } from './common';
import type { SeededBackend } from './views-seed';

export const LOAD_SECONDS = Number(process.env.BENCH_VIEW_LOAD_SECONDS ?? 1200);
/** GetObject requests throttled in each burst, the pause between bursts, and how long the throttling lasts (then the pass must resume). */
const THROTTLE_BURST = Number(process.env.BENCH_VIEW_THROTTLE_BURST ?? 12);
const THROTTLE_EVERY_MS = 5_000;
const THROTTLE_FOR_MS = 30_000;

export interface LoadResult {
  states: number;
  watchSeconds: number;
  /** One read of the backend as the watcher makes it (Scan + listing, all pages), raw SDK, slowest of 3 (ms). */
  oneReadMs: number;
  boundMs: number;
  idle: Sampled;
  underLoad: Sampled;
  pass: PassProgress;
  /** AWS requests answered with throttling (`lockboard_aws_throttle_retries_total`). */
  throttledRequests: number;
  backoffs: Record<string, number>;
  backgroundCalls: number;
  serverPeakRssMiB: number;
}

export interface PassProgress {
  completed: boolean;
  seconds: number;
  done: number;
  total: number;
  downloads: number;
}

export interface Sampled {
  samples: number;
  errors: number;
  status504: number;
  maxAgeMs: number;
  p95AgeMs: number;
}

function summarise(ages: number[], errors: number, status504: number): Sampled {
  return { samples: ages.length + errors, errors, status504, maxAgeMs: Math.round(Math.max(0, ...ages)), p95AgeMs: Math.round(percentile(ages, 95)) };
}

/** Samples `/locks` once a second until `until()` says stop: the answer's age (now − fetchedAt) and its failures. */
export async function sample(base: string, backendId: string, until: () => boolean): Promise<Sampled> {
  const ages: number[] = [];
  let errors = 0;
  let status504 = 0;
  let token: string | null = null;
  while (!until()) {
    const started = Date.now();
    try {
      const res = await fetch(`${base}/api/backends/${backendId}/locks${token ? `?since=${encodeURIComponent(token)}` : ''}`, { signal: AbortSignal.timeout(60_000) });
      const body = (await res.json()) as { token?: string; fetchedAt?: string; errors?: unknown[] };
      if (res.status === 504) status504++;
      if (!res.ok || (body.errors ?? []).length > 0 || !body.fetchedAt) errors++;
      else {
        ages.push(Date.now() - Date.parse(body.fetchedAt));
        token = body.token ?? null;
      }
    } catch {
      errors++;
    }
    await sleep(Math.max(0, 1_000 - (Date.now() - started)));
  }
  return summarise(ages, errors, status504);
}

export async function metric(base: string, name: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/api/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} ([0-9.e+]+)`, 'gm'))) out[m[1]!] = Number(m[2]);
  return out;
}

export const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** Throttles bursts of GetObject (background downloads) for the first THROTTLE_FOR_MS of the pass. */
export async function startThrottling(proxy: AwsFaultProxy, started: number, stop: () => boolean): Promise<void> {
  while (!stop() && Date.now() - started < THROTTLE_FOR_MS) {
    proxy.throttleNext('s3:GetObject', THROTTLE_BURST);
    await sleep(THROTTLE_EVERY_MS);
  }
}

/**
 * The inventory pass's progress every 5 s until it is ready, with at least `minStates` states
 * summarised (read in this pass or reused from the index: a pass started after the first, say for
 * a changed state, reports only what it re-read), or `seconds` have passed since `started`.
 */
export async function waitForPass(base: string, backendId: string, started: number, seconds: number, minStates = 0): Promise<PassProgress> {
  let pass: PassProgress = { completed: false, seconds: 0, done: 0, total: 0, downloads: 0 };
  while (Date.now() - started < seconds * 1000) {
    await sleep(5_000);
    const inv = (await (await fetch(`${base}/api/backends/${backendId}/inventory`)).json()) as { progress: { phase: string; done: number; total: number; downloads: number; reused: number } };
    const p = inv.progress;
    pass = { completed: p.phase === 'ready' && p.done + p.reused >= minStates, seconds: (Date.now() - started) / 1000, done: p.done, total: p.total, downloads: p.downloads };
    if (pass.completed) break;
  }
  return pass;
}

export async function liveReadsUnderLoad(distDir: string, configFile: string, proxy: AwsFaultProxy, w: TerraformWriter, backend: SeededBackend, watchSeconds: number): Promise<LoadResult> {
  // One read as the watcher makes it, straight to moto (the yardstick of "the watch interval plus one read").
  let oneReadMs = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await w.baselinePages(backend.bucket, backend.table, 4, 1000);
    oneReadMs = Math.max(oneReadMs, performance.now() - t);
  }
  const boundMs = watchSeconds * 1000 + oneReadMs;
  const app = await startApp({ distDir, env: { ...awsEnv(proxy.endpoint), LOCKBOARD_CONFIG: configFile } });
  try {
    log(`views: live reads under load: one read ${Math.round(oneReadMs)} ms, bound ${Math.round(boundMs)} ms`);
    let stop = false;
    const idleEnd = Date.now() + 20_000;
    const idle = await sample(app.base, backend.id, () => Date.now() > idleEnd);

    // The first pass (a no-op request when it already started on its own).
    const started = Date.now();
    await fetch(`${app.base}/api/backends/${backend.id}/inventory`).then((r) => r.arrayBuffer());
    const sampling = sample(app.base, backend.id, () => stop);
    const throttling = startThrottling(proxy, started, () => stop);
    const pass = await waitForPass(app.base, backend.id, started, LOAD_SECONDS);
    stop = true;
    const underLoad = await sampling;
    await throttling;
    const backoffs = await metric(app.base, 'lockboard_background_backoffs_total');
    const calls = await metric(app.base, 'lockboard_aws_calls_total');
    const throttledRequests = sum(await metric(app.base, 'lockboard_aws_throttle_retries_total'));
    const backgroundCalls = sum(Object.fromEntries(Object.entries(calls).filter(([labels]) => /origin="(background|inventory)"/.test(labels))));
    return {
      states: backend.keys.length,
      watchSeconds,
      oneReadMs: Math.round(oneReadMs),
      boundMs: Math.round(boundMs),
      idle,
      underLoad,
      pass,
      throttledRequests,
      backoffs,
      backgroundCalls,
      serverPeakRssMiB: app.child.pid ? peakRssMiB(app.child.pid) : NaN,
    };
  } finally {
    await app.stop();
  }
}
