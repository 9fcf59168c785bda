/**
 * The benchmark's built app processes (`next start` on a free port, against one moto endpoint) and
 * its AWS call counts, read from the app's own `lockboard_aws_calls_total` (by origin) and
 * `lockboard_backend_reads_total` in `/api/metrics`.
 * Shared by scripts/bench.ts and its sections (scripts/bench-watcher.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { awsEnv, freePort } from './moto';

const root = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface App {
  base: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts the build in `distDir` with this config file; resolves once `/api/health` answers. */
export async function startApp(distDir: string, configFile: string, endpoint: string, extraEnv: Record<string, string> = {}): Promise<App> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, ...awsEnv(endpoint), LOCKBOARD_CONFIG: configFile, LOCKBOARD_DIST_DIR: distDir, NODE_ENV: 'production', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited: ${output}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error(`app did not start: ${output}`);
    await sleep(200);
  }
  return {
    base,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

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
    await new Promise((r) => setTimeout(r, 20));
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
