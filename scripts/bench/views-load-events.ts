/**
 * "Live reads under background load, event mode" (part of the views section): the same 20,000-state
 * load as views-load.ts, with the backend in event mode (its bucket's notifications to a queue, its
 * lock table's stream; docs/events.md). A polled backend is listed whole every watch interval, and on
 * one moto (a single Python process) each GetObject of the pass waits behind that listing of 22,000
 * objects: the pass crawls. In event mode a quiet backend costs no listing, so this shows what the
 * polled run cannot here: the pass completing while the live view stays current. Besides `/locks`
 * sampled every second (errors, age), a lock is taken and released through the real protocol every
 * `CHANGE_EVERY_MS` while the pass runs, and the time until `/locks` lists it, then no longer does, is
 * measured.
 */
import { startApp } from '../lib/app-process';
import type { AwsFaultProxy } from '../lib/aws-fault-proxy';
import { awsEnv } from '../lib/moto';
import { TerraformWriter } from '../lib/terraform-writer';
import { sleep } from '../lib/wait';
import { appMetrics, delta } from './app-metrics';
import { log, peakRssMiB, percentile } from './common';
import { LOAD_SECONDS, metric, sample, startThrottling, sum, waitForPass, type PassProgress, type Sampled } from './views-load';
import type { SeededBackend } from './views-seed';

const CHANGE_EVERY_MS = 15_000;
/** A change not listed within this long counts as missed. */
const CHANGE_WAIT_MS = 60_000;

export interface EventLoadResult {
  states: number;
  underLoad: Sampled;
  /** Locks taken and released while the pass ran: ms until `/locks` listed each, and until it no longer did. */
  changes: { appearMs: number[]; goneMs: number[]; missed: number };
  pass: PassProgress;
  /** The watcher's full reads while the pass ran (Scan and ListObjectsV2 calls; a reconcile every `reconcileMinutes`). */
  watcherCalls: Record<string, number>;
  throttledRequests: number;
  backoffs: Record<string, number>;
  serverPeakRssMiB: number;
}

/** Polls `/locks?q=<key>` until `want(listed)` holds: ms, or null after CHANGE_WAIT_MS. */
async function until(base: string, backendId: string, key: string, want: (listed: boolean) => boolean): Promise<number | null> {
  const t0 = performance.now();
  while (performance.now() - t0 < CHANGE_WAIT_MS) {
    const res = await fetch(`${base}/api/backends/${backendId}/locks?limit=10&q=${encodeURIComponent(key)}`, { signal: AbortSignal.timeout(30_000) }).catch(() => null);
    if (res?.ok) {
      const body = (await res.json()) as { rows?: Array<{ key: string }> };
      if (want((body.rows ?? []).some((r) => r.key === key))) return performance.now() - t0;
    }
    await sleep(100);
  }
  return null;
}

/** Takes and releases a lock (`.tflock` then the item, as Terraform does) on unlocked states, one every CHANGE_EVERY_MS, until `stop()`. */
async function lockChanges(base: string, w: TerraformWriter, backend: SeededBackend, stop: () => boolean): Promise<EventLoadResult['changes']> {
  const locked = new Set(backend.locked);
  const free = backend.keys.filter((k) => !locked.has(k));
  const out: EventLoadResult['changes'] = { appearMs: [], goneMs: [], missed: 0 };
  for (let i = 0; !stop(); i++) {
    const started = Date.now();
    const key = free[(i * 997) % free.length]!;
    await w.lockBoth(backend.table, backend.bucket, key, TerraformWriter.lockInfo(backend.bucket, key, { who: 'bench-events@ci', operation: 'OperationTypeApply' }));
    const appear = await until(base, backend.id, key, (listed) => listed);
    await w.unlockDynamo(backend.table, backend.bucket, key);
    await w.unlockFile(backend.bucket, key);
    const gone = await until(base, backend.id, key, (listed) => !listed);
    if (appear === null || gone === null) out.missed++;
    if (appear !== null) out.appearMs.push(Math.round(appear));
    if (gone !== null) out.goneMs.push(Math.round(gone));
    await sleep(Math.max(0, CHANGE_EVERY_MS - (Date.now() - started)));
  }
  return out;
}

export async function eventsUnderLoad(distDir: string, configFile: string, proxy: AwsFaultProxy, w: TerraformWriter, backend: SeededBackend): Promise<EventLoadResult> {
  // The first pass starts on its own after start-up: it is timed from there.
  const appStarted = Date.now();
  const app = await startApp({ distDir, env: { ...awsEnv(proxy.endpoint), LOCKBOARD_CONFIG: configFile } });
  try {
    // The start-up reconcile (one full read) answers the first request.
    await fetch(`${app.base}/api/backends/${backend.id}/locks?limit=1`, { signal: AbortSignal.timeout(300_000) }).then((r) => r.arrayBuffer());
    log(`views: live reads under load, event mode: ${backend.keys.length} states`);
    const before = await appMetrics(app.base);
    const started = Date.now();
    await fetch(`${app.base}/api/backends/${backend.id}/inventory`).then((r) => r.arrayBuffer());
    let stop = false;
    const sampling = sample(app.base, backend.id, () => stop);
    const changing = lockChanges(app.base, w, backend, () => stop);
    const throttling = startThrottling(proxy, started, () => stop);
    const pass = await waitForPass(app.base, backend.id, appStarted, LOAD_SECONDS, backend.keys.length);
    stop = true;
    const [underLoad, changes] = await Promise.all([sampling, changing, throttling]);
    const after = await appMetrics(app.base);
    const watcherCalls = delta(after.byOrigin.watcher ?? {}, before.byOrigin.watcher ?? {});
    log(`views: event mode: pass ${pass.completed ? 'completed' : 'not completed'} in ${pass.seconds.toFixed(0)} s; ${changes.appearMs.length} locks seen, p95 ${Math.round(percentile(changes.appearMs, 95))} ms`);
    return {
      states: backend.keys.length,
      underLoad,
      changes,
      pass,
      watcherCalls,
      throttledRequests: sum(await metric(app.base, 'lockboard_aws_throttle_retries_total')),
      backoffs: await metric(app.base, 'lockboard_background_backoffs_total'),
      serverPeakRssMiB: app.child.pid ? peakRssMiB(app.child.pid) : NaN,
    };
  } finally {
    await app.stop();
  }
}
