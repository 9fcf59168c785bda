/**
 * Prometheus metrics (prom-client), kept on globalThis so every bundle of the server shares one
 * registry. Also keeps plain call counts that tests and the benchmark read back exactly.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

interface Metrics {
  registry: Registry;
  awsCalls: Counter<'service' | 'operation' | 'origin'>;
  backendReads: Counter<'backend' | 'outcome'>;
  backendReadsInFlight: Gauge<'backend'>;
  awsThrottleRetries: Counter<'service' | 'operation'>;
  cacheRequests: Counter<'cache' | 'result'>;
  requestDuration: Histogram<'route' | 'method' | 'status'>;
  deliveries: Counter<'channel' | 'outcome'>;
  lockAge: Gauge<'backend' | 'key' | 'workspace' | 'operation' | 'who'>;
  backgroundLimit: Gauge<'backend'>;
  backgroundBackoffs: Counter<'backend' | 'cause'>;
  autoReleases: Counter<'backend' | 'outcome'>;
  callCounts: Map<string, number>;
  /** The same, keyed `origin service:Operation`. */
  originCounts: Map<string, number>;
}

const globalKey = Symbol.for('lockboard.metrics');

/** What the watchers know, read at scrape time (set by lib/jobs/alerting/watch-metrics.ts). */
export interface WatchMetrics {
  /** Live locks, oldest first, at most metricsMaxLocks of them. */
  locks: Array<{ backend: string; key: string; workspace: string; operation: string; who: string; ageSeconds: number }>;
  /** Live locks per backend not given their own series (over metricsMaxLocks). */
  unlisted: Array<{ backend: string; count: number }>;
  lockCounts: Array<{ backend: string; problem: string; stale: boolean; count: number }>;
  /** Live locks by liveness (alive, dead, unknown: lib/terraform/liveness.ts). */
  livenessCounts: Array<{ backend: string; liveness: string; count: number }>;
  stateCounts: Array<{ backend: string; digestStatus: string; count: number }>;
  /** Seconds since each backend's last successful read (absent: never read successfully). */
  lastSuccessAge: Array<{ backend: string; seconds: number }>;
  readOk: Array<{ backend: string; ok: boolean }>;
}

const sourceKey = Symbol.for('lockboard.watchMetricsSource');

export function setWatchMetricsSource(source: () => WatchMetrics): void {
  (globalThis as unknown as Record<symbol, unknown>)[sourceKey] = source;
}

function watchMetrics(): WatchMetrics | null {
  const source = (globalThis as unknown as Record<symbol, (() => WatchMetrics) | undefined>)[sourceKey];
  return source ? source() : null;
}

/** A gauge whose samples are read from the watchers at scrape time. */
function scrapedGauge<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[], samples: (m: WatchMetrics) => Array<[Partial<Record<L, string>>, number]>): Gauge<L> {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      const m = watchMetrics();
      if (m) for (const [labels, value] of samples(m)) this.set(labels, value);
    },
  });
}

function watchGauges(registry: Registry) {
  const lockAge = scrapedGauge(registry, 'lockboard_lock_age_seconds', 'Age of each live lock (at most metricsMaxLocks series, oldest first; see lockboard_locks_unlisted).', ['backend', 'key', 'workspace', 'operation', 'who'], (m) =>
    m.locks.map((l) => [{ backend: l.backend, key: l.key, workspace: l.workspace, operation: l.operation, who: l.who }, l.ageSeconds]),
  );
  scrapedGauge(registry, 'lockboard_locks_unlisted', 'Live locks without their own lockboard_lock_age_seconds series (over metricsMaxLocks, or of unknown age).', ['backend'], (m) =>
    m.unlisted.map((u) => [{ backend: u.backend }, u.count]),
  );
  scrapedGauge(registry, 'lockboard_locks', 'Live locks by problem ("none" for a healthy lock; a lock with several problems counts once per problem) and staleness.', ['backend', 'problem', 'stale'], (m) =>
    m.lockCounts.map((c) => [{ backend: c.backend, problem: c.problem, stale: String(c.stale) }, c.count]),
  );
  scrapedGauge(registry, 'lockboard_locks_liveness', 'Live locks by liveness: alive (a heartbeat of lockboard run is fresh), dead (its heartbeats stopped while the lock is held), unknown (no heartbeat, or not conclusive).', ['backend', 'liveness'], (m) =>
    m.livenessCounts.map((c) => [{ backend: c.backend, liveness: c.liveness }, c.count]),
  );
  scrapedGauge(registry, 'lockboard_states', 'States by digest status (match, mismatch, missing, orphan, unverified, not_applicable: lock files only, no digest by design).', ['backend', 'digest_status'], (m) =>
    m.stateCounts.map((c) => [{ backend: c.backend, digest_status: c.digestStatus }, c.count]),
  );
  scrapedGauge(registry, 'lockboard_backend_last_successful_read_age_seconds', "Seconds since the backend's watcher last read it without error.", ['backend'], (m) =>
    m.lastSuccessAge.map((a) => [{ backend: a.backend }, a.seconds]),
  );
  scrapedGauge(registry, 'lockboard_backend_read_ok', "1 when the backend's latest read succeeded, 0 when it failed (fully or in part).", ['backend'], (m) =>
    m.readOk.map((r) => [{ backend: r.backend }, r.ok ? 1 : 0]),
  );
  return { lockAge };
}

function create(): Metrics {
  const registry = new Registry();
  return {
    registry,
    awsCalls: new Counter({ name: 'lockboard_aws_calls_total', help: 'AWS API requests sent (each attempt), by origin: watcher (backend reads and their evaluation), alerting (event claims, SNS), inventory, background (last writers, histories), discovery (accounts, tables, buckets), request.', labelNames: ['service', 'operation', 'origin'], registers: [registry] }),
    backendReads: new Counter({ name: 'lockboard_backend_reads_total', help: "Backend reads made by the backend's watcher (one Scan and one listing each, all pages), by outcome.", labelNames: ['backend', 'outcome'], registers: [registry] }),
    backendReadsInFlight: new Gauge({ name: 'lockboard_backend_reads_in_flight', help: "Backend reads of the watcher running now (at most two per backend).", labelNames: ['backend'], registers: [registry] }),
    awsThrottleRetries: new Counter({ name: 'lockboard_aws_throttle_retries_total', help: 'AWS requests answered with a throttling error (then retried with adaptive back-off).', labelNames: ['service', 'operation'], registers: [registry] }),
    cacheRequests: new Counter({ name: 'lockboard_cache_requests_total', help: 'Short-cache lookups.', labelNames: ['cache', 'result'], registers: [registry] }),
    requestDuration: new Histogram({ name: 'lockboard_http_request_duration_seconds', help: 'API request duration by route.', labelNames: ['route', 'method', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    ...watchGauges(registry),
    deliveries: new Counter({ name: 'lockboard_notification_deliveries_total', help: 'Alert deliveries by channel and outcome (delivered, failed, claimed_elsewhere, claim_failed).', labelNames: ['channel', 'outcome'], registers: [registry] }),
    backgroundLimit: new Gauge({ name: 'lockboard_background_read_limit', help: 'Background AWS requests (indexing, last writers, histories) allowed at once per backend now: halved when AWS throttles or live reads slow down, 0 while paused.', labelNames: ['backend'], registers: [registry] }),
    autoReleases: new Counter({ name: 'lockboard_auto_releases_total', help: 'Dead locks Lockboard tried to release on its own (liveness.autoRelease), by outcome: released, changed (the lock was no longer the one judged dead), failed.', labelNames: ['backend', 'outcome'], registers: [registry] }),
    backgroundBackoffs: new Counter({ name: 'lockboard_background_backoffs_total', help: 'Times background reads of a backend backed off, by cause (throttled, live_slow).', labelNames: ['backend', 'cause'], registers: [registry] }),
    callCounts: new Map(),
    originCounts: new Map(),
  };
}

function metrics(): Metrics {
  const holder = globalThis as unknown as Record<symbol, Metrics | undefined>;
  holder[globalKey] ??= create();
  return holder[globalKey];
}

/** One AWS request (each attempt), by the part of Lockboard that made it (lib/server/call-origin.ts). */
export function recordAwsCall(service: string, operation: string, origin: string): void {
  const m = metrics();
  m.awsCalls.inc({ service, operation, origin });
  const key = `${service}:${operation}`;
  m.callCounts.set(key, (m.callCounts.get(key) ?? 0) + 1);
  m.originCounts.set(`${origin} ${key}`, (m.originCounts.get(`${origin} ${key}`) ?? 0) + 1);
}

export function recordBackendReadStart(backend: string): void {
  metrics().backendReadsInFlight.inc({ backend });
}

/** A read started with recordBackendReadStart ended; `ok` null when it threw. */
export function recordBackendRead(backend: string, ok: boolean | null): void {
  metrics().backendReadsInFlight.dec({ backend });
  metrics().backendReads.inc({ backend, outcome: ok ? 'ok' : 'error' });
}

export function recordThrottle(service: string, operation: string): void {
  metrics().awsThrottleRetries.inc({ service, operation });
}

/** The background read limit of a backend changed (lib/server/read-budget.ts). */
export function recordBackgroundLimit(backend: string, limit: number, backoff: 'throttled' | 'live_slow' | null): void {
  metrics().backgroundLimit.set({ backend }, limit);
  if (backoff) metrics().backgroundBackoffs.inc({ backend, cause: backoff });
}

export function recordCache(cache: string, result: 'hit' | 'miss' | 'stale'): void {
  metrics().cacheRequests.inc({ cache, result });
}

export function observeRequest(route: string, method: string, status: number, seconds: number): void {
  metrics().requestDuration.observe({ route, method, status: String(status) }, seconds);
}

export function recordAutoRelease(backend: string, outcome: 'released' | 'changed' | 'failed'): void {
  metrics().autoReleases.inc({ backend, outcome });
}

export function recordDelivery(channel: string, outcome: string): void {
  metrics().deliveries.inc({ channel, outcome });
}

/** Exact AWS request counts since start (or the last reset), keyed `service:Operation`. */
export function awsCallCounts(): Record<string, number> {
  return Object.fromEntries(metrics().callCounts);
}

/** Exact AWS request counts since start (or the last reset) of one origin, keyed `service:Operation`. */
export function awsCallCountsOf(origin: string): Record<string, number> {
  const head = `${origin} `;
  return Object.fromEntries([...metrics().originCounts].filter(([k]) => k.startsWith(head)).map(([k, n]) => [k.slice(head.length), n]));
}

export function resetAwsCallCounts(): void {
  metrics().callCounts.clear();
  metrics().originCounts.clear();
}

/** The registry, for series defined beside their feature (lib/server/event-metrics.ts). */
export function metricsRegistry(): Registry {
  return metrics().registry;
}

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: metrics().registry.contentType, body: await metrics().registry.metrics() };
}
