/**
 * The benchmark's view of a built app's AWS call counts, read from the app's own
 * `lockboard_aws_calls_total` (by origin) and `lockboard_backend_reads_total` in `/api/metrics`.
 */
import { sleep } from '../lib/wait';

/** The app's AWS calls so far, by `service:Operation` (all origins). */
export async function appCalls(base: string): Promise<Record<string, number>> {
  return totalCalls(await appMetrics(base));
}

/** Calls of every origin added up, by `service:Operation`. */
export function totalCalls(m: AppMetrics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const byOp of Object.values(m.byOrigin)) for (const [k, n] of Object.entries(byOp)) out[k] = (out[k] ?? 0) + n;
  return out;
}

export interface AppMetrics {
  /** AWS calls by origin (watcher, alerting, inventory, request), then `service:Operation`. */
  byOrigin: Record<string, Record<string, number>>;
  /** Backend reads the watchers made (`lockboard_backend_reads_total`, all backends and outcomes). */
  backendReads: number;
  /** Reads running at the time (`lockboard_backend_reads_in_flight`): their calls are counted, they are not yet. */
  readsInFlight: number;
}

/** The app's own counters from `/api/metrics`. */
export async function appMetrics(base: string): Promise<AppMetrics> {
  const text = await (await fetch(`${base}/api/metrics`)).text();
  const byOrigin: Record<string, Record<string, number>> = {};
  for (const m of text.matchAll(/^lockboard_aws_calls_total\{service="([^"]+)",operation="([^"]+)",origin="([^"]+)"\} (\d+)/gm)) (byOrigin[m[3]!] ??= {})[`${m[1]}:${m[2]}`] = Number(m[4]);
  let backendReads = 0;
  for (const m of text.matchAll(/^lockboard_backend_reads_total\{[^}]*\} (\d+)/gm)) backendReads += Number(m[1]);
  let readsInFlight = 0;
  for (const m of text.matchAll(/^lockboard_backend_reads_in_flight\{[^}]*\} (\d+)/gm)) readsInFlight += Number(m[1]);
  return { byOrigin, backendReads, readsInFlight };
}

/** The app's counters at a moment no backend read is running (so calls and passes match), within `timeoutMs`. */
export async function appMetricsBetweenReads(base: string, timeoutMs = 10_000): Promise<AppMetrics> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await appMetrics(base);
    if (m.readsInFlight === 0 || Date.now() > deadline) return m;
    await sleep(20);
  }
}

export function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

export const fmtCalls = (c: Record<string, number>) =>
  Object.entries(c)
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || '(none)';
