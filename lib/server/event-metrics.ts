import 'server-only';
/**
 * Event mode's series (issue 24), on the one metrics registry: events handled by outcome, changes a
 * reconcile found that no event announced, and each backend's mode.
 */
import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from './metrics';

interface EventMetrics {
  events: Counter<'backend' | 'source' | 'outcome'>;
  lost: Counter<'backend'>;
  mode: Gauge<'backend' | 'mode'>;
}

const key = Symbol.for('lockboard.eventMetrics');

function m(): EventMetrics {
  const holder = globalThis as unknown as Record<symbol, EventMetrics | undefined>;
  holder[key] ??= {
    events: new Counter({ name: 'lockboard_events_total', help: 'Event messages and stream records handled, by source (s3, stream) and outcome: applied (the key was re-read), duplicate (older than one handled), or ignored_<why> (deleted from the queue without effect).', labelNames: ['backend', 'source', 'outcome'], registers: [metricsRegistry()] }),
    lost: new Counter({ name: 'lockboard_events_lost_total', help: 'Keys a reconcile (full read) found changed while the backend was in event mode, that no event had announced.', labelNames: ['backend'], registers: [metricsRegistry()] }),
    mode: new Gauge({ name: 'lockboard_backend_mode', help: '1 for the mode each backend is in on this replica (events, fallback, polling).', labelNames: ['backend', 'mode'], registers: [metricsRegistry()] }),
  };
  return holder[key];
}

/** Events of one message or page, by outcome. `backend` is "unknown" for a message naming no configured backend. */
export function recordEvents(backend: string, source: 's3' | 'stream', outcome: string, count = 1): void {
  if (count > 0) m().events.inc({ backend, source, outcome }, count);
}

export function recordEventsLost(backend: string, count: number): void {
  m().lost.inc({ backend }, count);
}

export function recordBackendMode(backend: string, mode: 'events' | 'fallback' | 'polling'): void {
  for (const each of ['events', 'fallback', 'polling'] as const) m().mode.set({ backend, mode: each }, each === mode ? 1 : 0);
}
