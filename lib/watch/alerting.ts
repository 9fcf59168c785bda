import 'server-only';
/**
 * Alerting: after each read the watcher keeps, derive the events it implies (lib/watch/event-rules.ts),
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
import type { AlertsOverview, ChannelStatus, DeliveryAttempt, DeliveryOutcome, LockboardEvent } from '../api/alerts';
import { AppError } from '../api/errors';
import { onAuditCompleted, type AuditRecord } from '../audit/audit-log';
import { readClaim, writeClaim } from '../aws/event-claims';
import { withCallOrigin } from '../server/call-origin';
import { getConfig, type BackendConfig, type ChannelConfig } from '../server/config';
import { recordDelivery, setWatchMetricsSource, type WatchMetrics } from '../server/metrics';
import { workspaceOfKey } from '../terraform/paths';
import { channelWants } from '../notify/format';
import { sendToChannel } from '../notify/deliver';
import { onSnapshotRead, setWatchKeepAlive, snapshotWatchers, watcherOf, withSnapshot, type BackendSnapshot } from '../services/backend-snapshot';
import { listLocks } from '../services/list-locks';
import { listStates } from '../services/list-states';
import { deriveEvents, mutationEvent, type KnownUnlock, type SnapshotFacts } from './event-rules';
import { logger } from '../server/logger';

interface ClaimBody {
  eventId: string;
  type: string;
  summary: string;
  state: 'claimed' | 'done' | 'retry';
  claimedBy: string;
  claimedAt: string;
  retryAt: string | null;
  tries: number;
  deliveries: Record<string, { outcome: 'delivered' | 'failed'; attempts: number; at: string; detail: string }>;
}

interface FollowUp {
  backendId: string;
  event: LockboardEvent;
  dueAt: number;
}

/** A won claim whose outcome S3 refused: written again at each sweep until `giveUpAt` (the lease's end). */
interface PendingOutcome {
  backend: BackendConfig;
  event: LockboardEvent;
  body: ClaimBody;
  etag: string;
  giveUpAt: number;
}

interface AlertState {
  replica: string;
  started: boolean;
  facts: Map<string, SnapshotFacts>;
  factsAt: Map<string, number>;
  chains: Map<string, Promise<void>>;
  /** Event ids this replica knows are settled (done here or elsewhere): no more claim traffic. */
  settled: Map<string, number>;
  inProgress: Set<string>;
  /** Events waiting for a free slot (at most MAX_EVENTS_AT_ONCE are claimed and delivered at once). */
  queue: Array<{ backend: BackendConfig; event: LockboardEvent }>;
  queued: Set<string>;
  running: number;
  pendingOutcomes: Map<string, PendingOutcome>;
  followUps: Map<string, FollowUp>;
  unlocks: Array<KnownUnlock & { atMs: number; backendId: string }>;
  events: LockboardEvent[];
  attempts: DeliveryAttempt[];
  channels: Map<string, ChannelStatus>;
  sweep: ReturnType<typeof setInterval> | null;
  lastScrapeAt: number;
  /** Tests: resolves when queued work is done. */
  idle: () => Promise<void>;
}

const MAX_SETTLED = 10_000;
const MAX_FOLLOW_UPS = 2_000;
const MAX_RECENT_EVENTS = 100;
const MAX_RECENT_ATTEMPTS = 300;
/**
 * Claims and deliveries run at most this many at once: a burst (the first read of a backend with 200
 * stale locks) must not swamp the backend's AWS endpoint and slow the watcher's reads.
 */
const MAX_EVENTS_AT_ONCE = 4;
const MAX_QUEUED_EVENTS = 5_000;
const UNLOCK_MEMORY_MS = 15 * 60_000;
const SWEEP_MS = 2_000;

const stateKey = Symbol.for('lockboard.alerting');

function state(): AlertState {
  const holder = globalThis as unknown as Record<symbol, AlertState | undefined>;
  holder[stateKey] ??= {
    replica: `${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
    started: false,
    facts: new Map(),
    factsAt: new Map(),
    chains: new Map(),
    settled: new Map(),
    inProgress: new Set(),
    queue: [],
    queued: new Set(),
    running: 0,
    pendingOutcomes: new Map(),
    followUps: new Map(),
    unlocks: [],
    events: [],
    attempts: [],
    channels: new Map(),
    sweep: null,
    lastScrapeAt: Number.NEGATIVE_INFINITY,
    idle: async () => {
      for (;;) {
        const pending = [...state().chains.values()];
        await Promise.all(pending);
        const st = state();
        if ([...st.chains.values()].every((p) => pending.includes(p)) && st.inProgress.size === 0 && st.queue.length === 0 && st.running === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  return holder[stateKey];
}

function channelsFor(event: LockboardEvent): ChannelConfig[] {
  return getConfig().channels.filter((c) => channelWants(c, event));
}

/** How long a `claimed` claim is left to its winner before another replica may take it over. */
function leaseMs(channels: ChannelConfig[]): number {
  const worst = Math.max(0, ...channels.map((c) => c.timeoutMs * (c.retries + 1) + 500 * (2 ** c.retries - 1)));
  return worst + timing.extraLeaseMs;
}

/** Tests shorten these. */
const timing = { retryBaseMs: 30_000, extraLeaseMs: 10_000 };

export function setAlertTimingForTests(t: Partial<typeof timing>): void {
  Object.assign(timing, t);
}

function retryDelayMs(tries: number): number {
  return Math.min(timing.retryBaseMs * 2 ** Math.max(0, tries - 1), 30 * 60_000);
}

function channelStatus(channel: ChannelConfig): ChannelStatus {
  const st = state();
  let status = st.channels.get(channel.name);
  if (!status) {
    status = { name: channel.name, type: channel.type, lastOutcome: null, lastAt: null, lastDetail: null, delivered: 0, failed: 0 };
    st.channels.set(channel.name, status);
  }
  return status;
}

function record(event: LockboardEvent, channel: ChannelConfig, outcome: DeliveryOutcome, attempts: number, detail: string | null): void {
  const st = state();
  const at = new Date().toISOString();
  st.attempts.unshift({ eventId: event.id, eventType: event.type, channel: channel.name, at, outcome, attempts, detail });
  st.attempts.length = Math.min(st.attempts.length, MAX_RECENT_ATTEMPTS);
  const status = channelStatus(channel);
  status.lastOutcome = outcome;
  status.lastAt = at;
  status.lastDetail = detail;
  if (outcome === 'delivered') status.delivered++;
  if (outcome === 'failed' || outcome === 'claim_failed') status.failed++;
  recordDelivery(channel.name, outcome);
  const line = { replica: st.replica, event: event.id, eventType: event.type, channel: channel.name, outcome, attempts, detail };
  if (outcome === 'failed' || outcome === 'claim_failed') logger.error('alert delivery', line);
  else logger.info('alert delivery', line);
}

function remember(event: LockboardEvent): void {
  const st = state();
  if (st.events.some((e) => e.id === event.id)) return;
  st.events.unshift(event);
  st.events.length = Math.min(st.events.length, MAX_RECENT_EVENTS);
}

function settle(id: string): void {
  const st = state();
  st.followUps.delete(id);
  st.settled.set(id, Date.now());
  if (st.settled.size > MAX_SETTLED) for (const key of st.settled.keys()) {
    st.settled.delete(key);
    if (st.settled.size <= MAX_SETTLED / 2) break;
  }
}

function followUp(backendId: string, event: LockboardEvent, dueAt: number): void {
  const st = state();
  if (st.followUps.size >= MAX_FOLLOW_UPS && !st.followUps.has(event.id)) {
    logger.error('alert follow-up dropped', { event: event.id, reason: 'too many pending events' });
    return;
  }
  st.followUps.set(event.id, { backendId, event, dueAt });
}

function parseClaim(text: string): ClaimBody | null {
  try {
    const body = JSON.parse(text) as ClaimBody;
    return typeof body === 'object' && body !== null && typeof body.state === 'string' ? body : null;
  } catch {
    return null;
  }
}

/** Claims (or takes over) the event, and delivers it if this replica won. Never throws. */
async function processEvent(backend: BackendConfig, event: LockboardEvent): Promise<void> {
  const st = state();
  if (st.settled.has(event.id) || st.inProgress.has(event.id) || st.pendingOutcomes.has(event.id)) return;
  const channels = channelsFor(event);
  if (channels.length === 0) {
    settle(event.id);
    return;
  }
  remember(event);
  st.inProgress.add(event.id);
  try {
    await claimAndDeliver(backend, event, channels);
  } catch (e) {
    logger.error('alert processing failed', { error: e });
  } finally {
    st.inProgress.delete(event.id);
  }
}

async function claimAndDeliver(backend: BackendConfig, event: LockboardEvent, channels: ChannelConfig[]): Promise<void> {
  const st = state();
  const now = Date.now();
  const fresh: ClaimBody = { eventId: event.id, type: event.type, summary: event.summary.slice(0, 500), state: 'claimed', claimedBy: st.replica, claimedAt: new Date(now).toISOString(), retryAt: null, tries: 1, deliveries: {} };
  let claim: { body: ClaimBody; etag: string };
  try {
    const created = await writeClaim(backend, event.id, JSON.stringify(fresh), { ifNoneMatch: true });
    if (created.won) claim = { body: fresh, etag: created.etag };
    else {
      const existing = await readClaim(backend, event.id);
      const body = existing ? parseClaim(existing.body) : null;
      if (!existing || !body) {
        followUp(backend.id, event, now + SWEEP_MS);
        return;
      }
      // Exactly the claim just written: the first attempt succeeded but its answer was lost, and the
      // SDK's retry met the object it had created. Won, not someone else's.
      const ownWrite = body.state === 'claimed' && body.claimedBy === st.replica && body.claimedAt === fresh.claimedAt;
      if (ownWrite) claim = { body, etag: existing.etag };
      else {
        if (body.state === 'done') {
          settle(event.id);
          if (!st.attempts.some((a) => a.eventId === event.id)) for (const c of channels) record(event, c, 'claimed_elsewhere', 0, `delivered by replica ${body.claimedBy}`);
          return;
        }
        const dueAt = body.state === 'retry' ? Date.parse(body.retryAt ?? '') || now : Date.parse(body.claimedAt) + leaseMs(channels);
        if (dueAt > now) {
          followUp(backend.id, event, dueAt);
          return;
        }
        const takeover: ClaimBody = { ...body, state: 'claimed', claimedBy: st.replica, claimedAt: new Date(now).toISOString(), retryAt: null, tries: body.tries + 1 };
        const taken = await writeClaim(backend, event.id, JSON.stringify(takeover), { ifMatch: existing.etag });
        if (!taken.won) {
          followUp(backend.id, event, now + leaseMs(channels));
          return;
        }
        claim = { body: takeover, etag: taken.etag };
      }
    }
  } catch (e) {
    const detail = `claim write failed: ${e instanceof AppError ? e.message : String(e)}`;
    for (const c of channels) record(event, c, 'claim_failed', 0, detail);
    followUp(backend.id, event, now + retryDelayMs(1));
    return;
  }

  // Won: deliver to every channel not yet delivered (a takeover keeps earlier successes).
  const results = await Promise.all(
    channels
      .filter((c) => claim.body.deliveries[c.name]?.outcome !== 'delivered')
      .map(async (c) => {
        const result = await sendToChannel(c, event);
        record(event, c, result.ok ? 'delivered' : 'failed', result.attempts, result.detail);
        return { channel: c, result };
      }),
  );
  const deliveries = { ...claim.body.deliveries };
  for (const { channel, result } of results) deliveries[channel.name] = { outcome: result.ok ? 'delivered' : 'failed', attempts: result.attempts, at: new Date().toISOString(), detail: result.detail };
  const allDone = channels.every((c) => deliveries[c.name]?.outcome === 'delivered');
  const retryAt = allDone ? null : new Date(Date.now() + retryDelayMs(claim.body.tries)).toISOString();
  const outcome: ClaimBody = { ...claim.body, state: allDone ? 'done' : 'retry', retryAt, deliveries };
  await writeOutcome({ backend, event, body: outcome, etag: claim.etag, giveUpAt: Date.parse(claim.body.claimedAt) + leaseMs(channels) });
}

/**
 * Records the deliveries on the won claim. A refused or failed write is kept and written again at the
 * next sweeps while the lease lasts: a claim left `claimed` would be taken over by another replica
 * after the lease, and the event sent again.
 */
async function writeOutcome(p: PendingOutcome): Promise<void> {
  const st = state();
  st.pendingOutcomes.delete(p.event.id);
  try {
    const written = await writeClaim(p.backend, p.event.id, JSON.stringify(p.body), { ifMatch: p.etag });
    if (!written.won) logger.error('alert claim changed', { event: p.event.id, detail: 'the claim changed while this replica delivered (lease too short?)' });
  } catch (e) {
    if (Date.now() + SWEEP_MS < p.giveUpAt) {
      st.pendingOutcomes.set(p.event.id, p);
      logger.warn('alert claim update failed', { event: p.event.id, error: e, detail: 'written again at the next sweep' });
      return;
    }
    logger.error('alert claim update failed', { event: p.event.id, error: e, detail: 'the lease ends: another replica may take the claim over and send the event again' });
  }
  if (p.body.state === 'done') settle(p.event.id);
  else followUp(p.backend.id, p.event, Date.parse(p.body.retryAt!));
}

type StateFacts = NonNullable<SnapshotFacts['states']>;

/** The states of a read (digest status), evaluated without counting as a view; null when they cannot be. */
function statesOf(backend: BackendConfig, snapshot: BackendSnapshot, nowMs: number): Promise<StateFacts | null> {
  return withSnapshot(snapshot, () => listStates(backend, nowMs)).then(
    (r) => r.states.map((s) => ({ key: s.key, workspace: s.workspace, etag: s.etag, digest: s.digest, digestStatus: s.digestStatus, ...(s.calculatedMd5 ? { calculatedMd5: s.calculatedMd5 } : {}) })),
    () => null,
  );
}

const SCRAPE_KEEPALIVE_MS = 5 * 60_000;

/** The lock and state series of GET /api/metrics, from each backend's latest evaluated read. A scrape keeps the watchers reading. */
function watchMetrics(): WatchMetrics {
  const st = state();
  const config = getConfig();
  const now = Date.now();
  st.lastScrapeAt = now;
  const out: WatchMetrics = { locks: [], unlisted: [], lockCounts: [], stateCounts: [], lastSuccessAge: [], readOk: [] };
  let budget = config.metricsMaxLocks;
  for (const backend of config.backends) {
    watcherOf(backend).wake();
    const watcher = snapshotWatchers().get(backend.id);
    const good = watcher?.lastSuccessful();
    if (good) out.lastSuccessAge.push({ backend: backend.id, seconds: (now - good.completedAt) / 1000 });
    const latest = watcher?.peek();
    if (latest) out.readOk.push({ backend: backend.id, ok: latest.ok });
    const facts = st.facts.get(backend.id);
    if (!facts) continue;
    const since = (now - (st.factsAt.get(backend.id) ?? now)) / 1000;
    let unlisted = 0;
    const counts = new Map<string, number>();
    for (const lock of facts.locks) {
      if (lock.ageSeconds !== null && budget > 0) {
        budget--;
        out.locks.push({ backend: backend.id, key: lock.key, workspace: lock.workspace, operation: lock.operation, who: lock.who, ageSeconds: lock.ageSeconds + since });
      } else unlisted++;
      for (const problem of lock.problems.length > 0 ? lock.problems : ['none']) {
        const k = `${problem}\u0000${lock.stale}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    if (unlisted > 0) out.unlisted.push({ backend: backend.id, count: unlisted });
    for (const [k, count] of counts) {
      const [problem, stale] = k.split('\u0000');
      out.lockCounts.push({ backend: backend.id, problem: problem!, stale: stale === 'true', count });
    }
    const states = new Map<string, number>();
    for (const s of facts.states ?? []) states.set(s.digestStatus, (states.get(s.digestStatus) ?? 0) + 1);
    for (const [digestStatus, count] of states) out.stateCounts.push({ backend: backend.id, digestStatus, count });
  }
  return out;
}

function enqueue(backendId: string, work: () => Promise<void>): void {
  const st = state();
  const next = (st.chains.get(backendId) ?? Promise.resolve()).then(work).catch((e: unknown) => logger.error('alerting failed', { backend: backendId, error: e }));
  st.chains.set(backendId, next);
  void next.finally(() => {
    if (st.chains.get(backendId) === next) st.chains.delete(backendId);
  });
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

/**
 * Claims and deliveries run beside the next reads, not in their way. A release this replica cannot
 * attribute waits a little: the replica that made the unlock (it knows who) claims it first, and if
 * that replica is gone this one still tells it, as released by its holder or another tool.
 */
function dispatch(backend: BackendConfig, events: LockboardEvent[], nowMs: number): void {
  const attributionDelayMs = Math.max(5_000, 2 * getConfig().watchIntervalSeconds * 1000);
  for (const event of events) {
    if (event.type === 'lock.released' && event.released?.by !== 'lockboard') followUp(backend.id, event, nowMs + attributionDelayMs);
    else submit(backend, event);
  }
}

/** Queues an event for claiming and delivery (MAX_EVENTS_AT_ONCE at a time); a known one is skipped. */
function submit(backend: BackendConfig, event: LockboardEvent): void {
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

function lockIdOf(seen: unknown): string {
  if (typeof seen !== 'object' || seen === null) return '';
  const s = seen as Record<string, unknown>;
  const id = s.lockId ?? s.id ?? (typeof s.lock === 'object' && s.lock !== null ? (s.lock as Record<string, unknown>).id : undefined);
  return typeof id === 'string' ? id : '';
}

function onAudit(record: AuditRecord): void {
  const config = getConfig();
  const backend = config.backends.find((b) => b.id === record.backend);
  if (!backend) return;
  const lockId = lockIdOf(record.seen);
  if (record.action === 'force-unlock' && record.outcome === 'succeeded' && record.key) state().unlocks.push({ backendId: backend.id, key: record.key, lockId, actor: record.user, reason: record.reason, atMs: Date.now() });
  if (config.channels.length === 0) return;
  const event = mutationEvent(
    { id: backend.id, name: backend.name },
    { auditId: record.id, action: record.action, outcome: record.outcome, user: record.user, reason: record.reason, key: record.key, workspace: record.key ? workspaceOfKey(record.key, backend.workspaceKeyPrefix) : null, errorCode: record.errorCode, errorMessage: record.errorMessage, lockId: lockId || null },
    { publicUrl: config.publicUrl, nowMs: Date.now() },
  );
  submit(backend, event);
}

function sweep(): void {
  const st = state();
  const now = Date.now();
  for (const p of st.pendingOutcomes.values()) {
    if (st.inProgress.has(p.event.id)) continue;
    st.inProgress.add(p.event.id);
    void writeOutcome(p).finally(() => st.inProgress.delete(p.event.id));
  }
  for (const f of st.followUps.values()) {
    if (f.dueAt > now || st.inProgress.has(f.event.id)) continue;
    const backend = getConfig().backends.find((b) => b.id === f.backendId);
    if (!backend) {
      st.followUps.delete(f.event.id);
      continue;
    }
    st.followUps.delete(f.event.id);
    submit(backend, f.event);
  }
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
  const backend = getConfig().backends[0]!;
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
}
