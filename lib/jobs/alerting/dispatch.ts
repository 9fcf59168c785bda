import 'server-only';
/**
 * Work queues of alerting: one chain per backend for evaluating reads, a bounded queue of events to
 * claim and deliver (at most MAX_EVENTS_AT_ONCE at once), and the sweep that retries outcome writes
 * and submits follow-ups when they fall due.
 */
import type { LockboardEvent } from '../../api/alerts';
import { withCallOrigin } from '../../server/call-origin';
import { getConfig, type BackendConfig } from '../../server/config';
import { listBackends } from '../../server/backends';
import { logger } from '../../server/logger';
import { MAX_EVENTS_AT_ONCE, MAX_QUEUED_EVENTS, followUp, state } from './alert-state';
import { processEvent, writeOutcome } from './claims';
import { heldBackEvent } from './event-rules';


export function enqueue(backendId: string, work: () => Promise<void>): void {
  const st = state();
  const next = (st.chains.get(backendId) ?? Promise.resolve()).then(work).catch((e: unknown) => logger.error('alerting failed', { backend: backendId, error: e }));
  st.chains.set(backendId, next);
  void next.finally(() => {
    if (st.chains.get(backendId) === next) st.chains.delete(backendId);
  });
}

/**
 * Claims and deliveries run beside the next reads, not in their way. A release this replica cannot
 * attribute waits a little: the replica that made the unlock (it knows who) claims it first, and if
 * that replica is gone this one still tells it, as released by its holder or another tool.
 */
export function dispatch(backend: BackendConfig, events: LockboardEvent[], nowMs: number): void {
  const attributionDelayMs = Math.max(5_000, 2 * getConfig().watchIntervalSeconds * 1000);
  for (const event of events) {
    if (event.type === 'lock.released' && event.released?.by !== 'lockboard') followUp(backend.id, event, nowMs + attributionDelayMs);
    else submit(backend, event);
  }
}

/** Queues an event for claiming and delivery (MAX_EVENTS_AT_ONCE at a time); a known one is skipped. */
export function submit(backend: BackendConfig, event: LockboardEvent): void {
  const st = state();
  if (st.queued.has(event.id) || st.inProgress.has(event.id) || st.settled.has(event.id)) return;
  if (st.queue.length >= MAX_QUEUED_EVENTS) {
    // A lock event is derived again from the next read; only an audit event could be lost here.
    logger.error('alert event dropped', { event: event.id, reason: 'too many queued events' });
    return;
  }
  st.queue.push({ backend, event });
  st.queued.add(event.id);
  pump();
}

function pump(): void {
  const st = state();
  while (st.running < MAX_EVENTS_AT_ONCE && st.queue.length > 0) {
    const { backend, event } = st.queue.shift()!;
    st.queued.delete(event.id);
    st.running++;
    void withCallOrigin('alerting', () => processEvent(backend, event)).finally(() => {
      st.running--;
      pump();
    });
  }
}

/** Submits one summary event per actor and type whose events the rate limit held back long enough (`all`: every one now). */
export function flushHeldBack(nowMs = Date.now(), all = false): number {
  const st = state();
  const summaries = st.actors.flush(nowMs, all);
  for (const s of summaries) {
    const backend = listBackends().find((b) => b.id === s.backendId);
    if (!backend) continue;
    submit(backend, heldBackEvent({ id: backend.id, name: backend.name }, { ...s, type: s.type === 'download' ? 'download' : 'mutation' }, st.replica, { nowMs }));
  }
  return summaries.length;
}

export function sweep(): void {
  const st = state();
  const now = Date.now();
  flushHeldBack(now);
  for (const p of st.pendingOutcomes.values()) {
    if (st.inProgress.has(p.event.id)) continue;
    st.inProgress.add(p.event.id);
    void writeOutcome(p).finally(() => st.inProgress.delete(p.event.id));
  }
  for (const f of st.followUps.values()) {
    if (f.dueAt > now || st.inProgress.has(f.event.id)) continue;
    const backend = listBackends().find((b) => b.id === f.backendId);
    if (!backend) {
      st.followUps.delete(f.event.id);
      continue;
    }
    st.followUps.delete(f.event.id);
    submit(backend, f.event);
  }
}
