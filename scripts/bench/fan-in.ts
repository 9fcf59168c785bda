/**
 * Section 3: fan-in. BENCH_FANIN_CLIENTS clients poll the lock listing every 2 s for
 * BENCH_FANIN_SECONDS against an app whose watcher reads the backend once per interval, with alerting
 * on: every seeded lock is stale (1 s threshold), so each is one lock.stale event to a local receiver.
 * Alerting must add no read, only one claim write per event (plus the winner's outcome write). A lock
 * whose age crosses a reminder period (every 4 h of age) during the run is told again, as reminder
 * n+1: a new event, not a repeat. So the receiver counts distinct deliveries and locks.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sleep } from '../lib/wait';
import { appCalls, appMetrics, delta, totalCalls } from './app-metrics';
import { getJson, log, met, ms, percentile, pollAsViewers } from './common';
import { LOCKS } from './fixtures';
import type { LocksResult } from './locks';
import type { StackSection } from './section';
import { ttlWait } from './side-by-side';
import { FANIN_INTERVAL_MS, type SharedStack } from './stack';

const FANIN_CLIENTS = Number(process.env.BENCH_FANIN_CLIENTS ?? 50);
const FANIN_SECONDS = Number(process.env.BENCH_FANIN_SECONDS ?? 60);

export interface FanInResult {
  clients: number;
  seconds: number;
  requests: number;
  failures: number;
  calls: Record<string, number>;
  callsPerInterval: Record<string, number>;
  readsPerInterval: { scan: number; list: number };
  /** Alerting: events delivered, and its own AWS calls (origin "alerting"): claim writes only. */
  alerts: { received: number; distinct: number; locksTold: number; expected: number; claimWrites: number; claimReads: number };
  p50ms: number;
  p95ms: number;
}

/** A local webhook receiver counting deliveries, distinct delivery ids and the locks they name. */
async function startReceiver() {
  const counts = { received: 0, deliveryIds: new Set<string>(), lockKeysTold: new Set<string>() };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      counts.received++;
      counts.deliveryIds.add(String(req.headers['x-lockboard-delivery']));
      try {
        counts.lockKeysTold.add(String((JSON.parse(body) as { key?: string }).key));
      } catch {
        // counted as received; a body that is not JSON shows as a missing lock
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { counts, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise((r) => server.close(r)) };
}

/** Scan and listing pages of one cold lock read: section 1's first run when it ran, else one read now. */
async function pagesPerRead(stack: SharedStack, locks: LocksResult | undefined): Promise<{ scan: number; list: number }> {
  let calls = locks?.app.calls;
  if (!calls) {
    const app = await stack.app();
    await ttlWait();
    const before = await appCalls(app.base);
    await getJson(`${app.base}/api/backends/main/locks`);
    calls = delta(await appCalls(app.base), before);
  }
  return { scan: calls['dynamodb:Scan'] ?? 1, list: calls['s3:ListObjectsV2'] ?? 1 };
}

export const fanInSection: StackSection<FanInResult> = {
  name: 'fan-in',
  key: 'fanIn',
  fixtures: ['main'],
  async run(stack, results) {
    const pages = await pagesPerRead(stack, results.locks as LocksResult | undefined);
    log(`(3) fan-in: ${FANIN_CLIENTS} clients every ${FANIN_INTERVAL_MS} ms for ${FANIN_SECONDS} s`);
    const receiver = await startReceiver();
    const shared = JSON.parse(fs.readFileSync(stack.configFile, 'utf8')) as { backends: Array<{ id: string }> };
    const configFile = path.join(stack.tmp, 'config-fanin.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        ...shared,
        // Only the measured backend: the metrics scrapes of the call counts keep every configured backend watched.
        backends: shared.backends.filter((b) => b.id === 'main'),
        watchIntervalSeconds: FANIN_INTERVAL_MS / 1000,
        staleAfterMinutes: 1 / 60,
        channels: [{ name: 'bench', type: 'webhook', url: receiver.url, secretEnv: 'BENCH_HOOK_SECRET', events: ['lock.stale'], backends: ['main'] }],
      }),
    );
    const fanApp = await stack.startApp(configFile, { BENCH_HOOK_SECRET: 'bench' });
    await getJson(`${fanApp.base}/api/backends/main/locks`); // the first viewer waits for the first read
    const fanBefore = await appMetrics(fanApp.base);
    const fanStart = Date.now();
    const { latencies, failures } = await pollAsViewers(`${fanApp.base}/api/backends/main/locks`, FANIN_CLIENTS, FANIN_INTERVAL_MS, fanStart + FANIN_SECONDS * 1000);
    const fanSeconds = (Date.now() - fanStart) / 1000;
    const fanCalls = delta(totalCalls(await appMetrics(fanApp.base)), totalCalls(fanBefore));
    // Alerting claims and delivers 4 events at a time beside the reads: let it finish the first burst
    // (one lock.stale per seeded lock) before counting its calls, all of them since the app started.
    const drainEnd = Date.now() + 60_000;
    while (receiver.counts.lockKeysTold.size < LOCKS && Date.now() < drainEnd) await sleep(250);
    await sleep(1_000);
    const alertingCalls = (await appMetrics(fanApp.base)).byOrigin.alerting ?? {};
    await fanApp.stop();
    await receiver.close();
    const intervals = fanSeconds / (FANIN_INTERVAL_MS / 1000);
    const { counts } = receiver;
    return {
      clients: FANIN_CLIENTS,
      seconds: fanSeconds,
      requests: latencies.length,
      failures,
      calls: fanCalls,
      callsPerInterval: Object.fromEntries(Object.entries(fanCalls).map(([k, n]) => [k, n / intervals])),
      readsPerInterval: { scan: (fanCalls['dynamodb:Scan'] ?? 0) / pages.scan / intervals, list: (fanCalls['s3:ListObjectsV2'] ?? 0) / pages.list / intervals },
      alerts: {
        received: counts.received,
        distinct: counts.deliveryIds.size,
        locksTold: counts.lockKeysTold.size,
        expected: LOCKS,
        claimWrites: alertingCalls['s3:PutObject'] ?? 0,
        claimReads: Object.entries(alertingCalls).reduce((n, [k, c]) => n + (k === 's3:PutObject' ? 0 : c), 0),
      },
      p50ms: percentile(latencies, 50),
      p95ms: percentile(latencies, 95),
    };
  },
  rows(f) {
    const maxReads = Math.max(f.readsPerInterval.scan, f.readsPerInterval.list);
    const rows = [['3', `fan-in ${f.clients} clients, ${f.requests} requests, ${f.failures} failed`, `p50 ${ms(f.p50ms)}, p95 ${ms(f.p95ms)}`, '', `reads/interval scan ${f.readsPerInterval.scan.toFixed(2)}, list ${f.readsPerInterval.list.toFixed(2)}`, '≤ 1 read, p95 < 200 ms', met(maxReads <= 1.0001 && f.p95ms < 200)]];
    const a = f.alerts as Partial<FanInResult['alerts']> | undefined;
    if (a) {
      // Every lock told, no delivery twice (a reminder due during the run is a new event); alerting's own
      // calls: one claim write and one outcome write per event, nothing else.
      const once = a.distinct === a.received && a.locksTold === a.expected;
      rows.push(['3', `alerting during the fan-in (every lock stale)`, `${a.received} deliveries (${a.distinct ?? '?'} distinct) for ${a.locksTold ?? '?'} of ${a.expected ?? '?'} locks`, '', `alerting PutObject ${a.claimWrites}, other calls ${a.claimReads}`, 'every lock, none twice; 2 writes per event, no read', met(once && a.claimWrites === 2 * a.received! && a.claimReads === 0)]);
    }
    return rows;
  },
};
