import 'server-only';
/**
 * Alerting: after each read the watcher keeps, derive the events it implies (event-rules.ts),
 * claim each one in the backend's bucket (lib/aws/event-claims.ts) and let the winner deliver it to
 * the channels that want it. Runs beside the reads, never in their way: a listener only queues work.
 *
 * Claim lifecycle (body JSON): `claimed` (being delivered; other replicas wait for its lease), then
 * `done` (every channel delivered) or `retry` (some channel failed; `retryAt` says when any replica
 * may take it over). Every change of a claim after its creation is a write conditional on the ETag
 * read, so exactly one replica acts on it at a time; a replica that died mid-way leaves `claimed`,
 * taken over after the lease. Nothing is delivered without a won claim: a refused claim write is a
 * recorded `claim_failed`, tried again later, never a send. A refused outcome write (after the sends)
 * is written again at each sweep until the lease ends, so no replica takes the claim over and sends
 * the event a second time.
 */
import crypto from 'node:crypto';
import type { AlertsOverview, DeliveryAttempt, LockboardEvent } from '../../api/alerts';
import { AppError } from '../../api/errors';
import { onAuditCompleted, type AuditRecord } from '../../audit/audit-log';
import { withCallOrigin } from '../../server/call-origin';
import { getConfig, type BackendConfig } from '../../server/config';
import { listBackends } from '../../server/backends';
import { setWatchMetricsSource } from '../../server/metrics';
import { logger } from '../../server/logger';
import { workspaceOfKey } from '../../terraform/paths';
import { sendToChannel } from '../../notify/deliver';
import { onSnapshotRead, setWatchKeepAlive, withSnapshot, type BackendSnapshot } from '../../services/backend-snapshot';
import { listLocks } from '../../services/list-locks';
import { listStates } from '../../services/list-states';
import { UNLOCK_MEMORY_MS, SWEEP_MS, channelStatus, record, remember, resetActorLimitsForTests, state } from './alert-state';
import { dispatch, enqueue, flushHeldBack, submit, sweep } from './dispatch';
import { auditEventType, deriveEvents, mutationEvent, type SnapshotFacts } from './event-rules';
import { SCRAPE_KEEPALIVE_MS, watchMetrics } from './watch-metrics';
export { setAlertTimingForTests } from './claims';
export { resetActorLimitsForTests };
export { flushHeldBack };


type StateFacts = NonNullable<SnapshotFacts['states']>;

/** The states of a read (digest status), evaluated without counting as a view; null when they cannot be. */
function statesOf(backend: BackendConfig, snapshot: BackendSnapshot, nowMs: number): Promise<StateFacts | null> {
  return withSnapshot(snapshot, () => listStates(backend, nowMs)).then(
    (r) => r.states.map((s) => ({ key: s.key, workspace: s.workspace, etag: s.etag, digest: s.digest, digestStatus: s.digestStatus, ...(s.calculatedMd5 ? { calculatedMd5: s.calculatedMd5 } : {}) })),
    () => null,
  );
}

function onRead(backend: BackendConfig, snapshot: BackendSnapshot, ok: boolean): void {
  // Evaluating the read (locks, digest status) is the watcher's work, done whether or not any channel
  // is configured (metrics use it); only claims and deliveries count as alerting's.
  enqueue(backend.id, () => withCallOrigin('watcher', async () => {
    const st = state();
    // A read with an error would make every lock look released: derive nothing from it.
    if (!ok) return;
    const config = getConfig();
    const nowMs = Date.now();
    // Locks first (cheap, from the snapshot): lock events do not wait for the digest checks.
    const locks = await withSnapshot(snapshot, () => listLocks(backend, nowMs)).catch(() => null);
    if (!locks) return;
    const previous = st.facts.get(backend.id) ?? null;
    const settings = { staleAfterMinutes: config.staleAfterMinutes, remindAfterMinutes: config.remindAfterMinutes, publicUrl: config.publicUrl, nowMs };
    const ref = { id: backend.id, name: backend.name };
    st.unlocks = st.unlocks.filter((u) => nowMs - u.atMs < UNLOCK_MEMORY_MS);
    if (config.channels.length > 0) {
      const events = deriveEvents(ref, previous && { locks: previous.locks, states: null }, { locks: locks.locks, states: null }, settings, st.unlocks.filter((u) => u.backendId === backend.id));
      dispatch(backend, events, nowMs);
    }
    const states = await statesOf(backend, snapshot, nowMs);
    st.facts.set(backend.id, { locks: locks.locks, states: states ?? previous?.states ?? null });
    st.factsAt.set(backend.id, nowMs);
    if (config.channels.length > 0 && states) dispatch(backend, deriveEvents(ref, previous && { locks: [], states: previous.states }, { locks: [], states }, settings), nowMs);
  }));
}

function lockIdOf(seen: unknown): string {
  if (typeof seen !== 'object' || seen === null) return '';
  const s = seen as Record<string, unknown>;
  const id = s.lockId ?? s.id ?? (typeof s.lock === 'object' && s.lock !== null ? (s.lock as Record<string, unknown>).id : undefined);
  return typeof id === 'string' ? id : '';
}

function onAudit(record: AuditRecord): void {
  const config = getConfig();
  const backend = listBackends().find((b) => b.id === record.backend);
  if (!backend) return;
  const lockId = lockIdOf(record.seen);
  if (record.action === 'force-unlock' && record.outcome === 'succeeded' && record.key) state().unlocks.push({ backendId: backend.id, key: record.key, lockId, actor: record.user, reason: record.reason, atMs: Date.now() });
  if (config.channels.length === 0) return;
  // Per actor and type: a script downloading 2,000 states sends 20 events and a summary, not 2,000.
  if (!state().actors.admit(record.user, auditEventType(record.action), backend.id, Date.now())) return;
  const event = mutationEvent(
    { id: backend.id, name: backend.name },
    { auditId: record.id, action: record.action, outcome: record.outcome, user: record.user, reason: record.reason, key: record.key, workspace: record.key ? workspaceOfKey(record.key, backend.workspaceKeyPrefix) : null, errorCode: record.errorCode, errorMessage: record.errorMessage, lockId: lockId || null },
    { publicUrl: config.publicUrl, nowMs: Date.now() },
  );
  submit(backend, event);
}

/**
 * Starts alerting on this replica (idempotent): listens to reads and audit records, keeps the
 * watchers of backends some channel wants running with nobody viewing, and sweeps follow-ups.
 */
export function startAlerting(): void {
  const st = state();
  if (st.started) return;
  st.started = true;
  onSnapshotRead((backend, read) => onRead(backend, read.value, read.ok));
  onAuditCompleted(onAudit);
  setWatchMetricsSource(watchMetrics);
  const config = getConfig();
  // Watched with nobody viewing: backends some channel wants, and all of them while Prometheus scrapes.
  setWatchKeepAlive((id) => Date.now() - st.lastScrapeAt < SCRAPE_KEEPALIVE_MS || getConfig().channels.some((c) => c.backends === null || c.backends.includes(id)));
  if (config.channels.length > 0) {
    st.sweep = setInterval(() => withCallOrigin('alerting', sweep), SWEEP_MS);
    st.sweep.unref?.();
    logger.info('alerting started', { channels: config.channels.map((c) => `${c.name} (${c.type})`), replica: st.replica });
  }
}

/** Sends a test message to one channel now (no claim: it is an operator's explicit request). */
export async function sendTestMessage(channelName: string, actor: string): Promise<DeliveryAttempt> {
  const channel = getConfig().channels.find((c) => c.name === channelName);
  if (!channel) throw new AppError('bad_request', `No channel named "${channelName}" is configured.`);
  const backend = listBackends()[0]!;
  const event: LockboardEvent = {
    id: `test.${crypto.randomUUID()}`,
    type: 'test',
    at: new Date().toISOString(),
    backend: { id: backend.id, name: backend.name },
    key: null,
    workspace: null,
    summary: `Test message from Lockboard, sent by ${actor} to channel "${channel.name}"`,
    link: getConfig().publicUrl,
  };
  remember(event);
  const result = await withCallOrigin('alerting', () => sendToChannel(channel, event));
  record(event, channel, result.ok ? 'delivered' : 'failed', result.attempts, result.detail);
  return state().attempts[0]!;
}

/** What the Alerts page shows. */
export function alertsOverview(): AlertsOverview {
  const st = state();
  const channels = getConfig().channels.map((c) => ({ ...channelStatus(c) }));
  return { enabled: channels.length > 0, channels, events: [...st.events], attempts: [...st.attempts] };
}

/** Tests: wait until queued derivations and deliveries are done. */
export function alertingIdle(): Promise<void> {
  return state().idle();
}

/** Tests: forget everything (the listeners stay registered). */
export function resetAlertingForTests(): void {
  const st = state();
  st.facts.clear();
  st.settled.clear();
  st.followUps.clear();
  st.pendingOutcomes.clear();
  st.queue = [];
  st.queued.clear();
  st.unlocks = [];
  st.events = [];
  st.attempts = [];
  st.channels.clear();
  resetActorLimitsForTests();
}
