/**
 * Prometheus metrics (prom-client), kept on globalThis so every bundle of the server shares one
 * registry. Also keeps plain call counts that tests and the benchmark read back exactly.
 */
import { Counter, Histogram, Registry } from 'prom-client';

interface Metrics {
  registry: Registry;
  awsCalls: Counter<'service' | 'operation'>;
  awsThrottleRetries: Counter<'service' | 'operation'>;
  cacheRequests: Counter<'cache' | 'result'>;
  requestDuration: Histogram<'route' | 'method' | 'status'>;
  deliveries: Counter<'channel' | 'outcome'>;
  callCounts: Map<string, number>;
}

const globalKey = Symbol.for('lockboard.metrics');

function create(): Metrics {
  const registry = new Registry();
  return {
    registry,
    awsCalls: new Counter({ name: 'lockboard_aws_calls_total', help: 'AWS API requests sent (each attempt).', labelNames: ['service', 'operation'], registers: [registry] }),
    awsThrottleRetries: new Counter({ name: 'lockboard_aws_throttle_retries_total', help: 'AWS requests answered with a throttling error (then retried with adaptive back-off).', labelNames: ['service', 'operation'], registers: [registry] }),
    cacheRequests: new Counter({ name: 'lockboard_cache_requests_total', help: 'Short-cache lookups.', labelNames: ['cache', 'result'], registers: [registry] }),
    requestDuration: new Histogram({ name: 'lockboard_http_request_duration_seconds', help: 'API request duration by route.', labelNames: ['route', 'method', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    deliveries: new Counter({ name: 'lockboard_notification_deliveries_total', help: 'Alert deliveries by channel and outcome (delivered, failed, claimed_elsewhere, claim_failed).', labelNames: ['channel', 'outcome'], registers: [registry] }),
    callCounts: new Map(),
  };
}

function metrics(): Metrics {
  const holder = globalThis as unknown as Record<symbol, Metrics | undefined>;
  holder[globalKey] ??= create();
  return holder[globalKey];
}

export function recordAwsCall(service: string, operation: string): void {
  metrics().awsCalls.inc({ service, operation });
  const key = `${service}:${operation}`;
  metrics().callCounts.set(key, (metrics().callCounts.get(key) ?? 0) + 1);
}

export function recordThrottle(service: string, operation: string): void {
  metrics().awsThrottleRetries.inc({ service, operation });
}

export function recordCache(cache: string, result: 'hit' | 'miss' | 'stale'): void {
  metrics().cacheRequests.inc({ cache, result });
}

export function observeRequest(route: string, method: string, status: number, seconds: number): void {
  metrics().requestDuration.observe({ route, method, status: String(status) }, seconds);
}

export function recordDelivery(channel: string, outcome: string): void {
  metrics().deliveries.inc({ channel, outcome });
}

/** Exact AWS request counts since start (or the last reset), keyed `service:Operation`. */
export function awsCallCounts(): Record<string, number> {
  return Object.fromEntries(metrics().callCounts);
}

export function resetAwsCallCounts(): void {
  metrics().callCounts.clear();
}

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: metrics().registry.contentType, body: await metrics().registry.metrics() };
}
