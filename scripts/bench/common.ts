/** Small helpers every benchmark section uses: logging, a bounded pool, timing, statistics. */
import fs from 'node:fs';
import { processTree } from '../lib/process-tree';
import { sleep } from '../lib/wait';

export const log = (msg: string) => console.log(`[bench] ${msg}`);

/** Runs `fn` over `items`, at most `limit` at once. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i] as T, i);
      }
    }),
  );
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** Nearest-rank percentile (p95 of 100 values is the 95th smallest). */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

export async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} → HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

/** Peak resident memory (VmHWM, MiB) of a process and its descendants (Linux /proc). */
export function peakRssMiB(pid: number): number {
  let max = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) max = Math.max(max, Number(m[1]) / 1024);
    } catch {
      // process gone
    }
  }
  return Math.round(max);
}

export const ms = (n: number) => `${n.toFixed(0)} ms`;
export const met = (ok: boolean) => (ok ? 'yes' : 'NO');

/** What viewers polling one URL saw: each request's time (ms), and how many failed. */
export interface Polling {
  latencies: number[];
  failures: number;
}

/**
 * `viewers` clients each GET `url` every `intervalMs` until `endMs` (or until it says done), each starting at a random moment
 * of the first interval (as people opening the page do).
 */
export async function pollAsViewers(url: string, viewers: number, intervalMs: number, endMs: number | (() => boolean)): Promise<Polling> {
  const going = typeof endMs === 'number' ? () => Date.now() < endMs : () => !endMs();
  const seen: Polling = { latencies: [], failures: 0 };
  await Promise.all(
    Array.from({ length: viewers }, async () => {
      await sleep(Math.random() * intervalMs);
      while (going()) {
        const t = performance.now();
        try {
          const res = await fetch(url);
          await res.arrayBuffer();
          if (!res.ok) seen.failures++;
        } catch {
          seen.failures++;
        }
        const ms = performance.now() - t;
        seen.latencies.push(ms);
        await sleep(Math.max(0, intervalMs - ms));
      }
    }),
  );
  return seen;
}
