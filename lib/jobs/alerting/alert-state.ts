import 'server-only';
/**
 * Alerting's in-memory state on this replica (one per process, kept on globalThis because Next.js may
 * bundle this module more than once): recent events and attempts for the Alerts page, settled and
 * pending event ids, the queue, follow-ups. Everything here is bounded.
 */
import crypto from 'node:crypto';
import type { ChannelStatus, DeliveryAttempt, DeliveryOutcome, LockboardEvent } from '../../api/alerts';
import { getConfig, type BackendConfig, type ChannelConfig } from '../../server/config';
import { recordDelivery } from '../../server/metrics';
import { logger } from '../../server/logger';
import { channelWants } from '../../notify/format';
import { ActorLimiter, type ActorLimits } from './actor-limit';
import type { KnownUnlock, SnapshotFacts } from './event-rules';

export interface ClaimBody {
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
export interface PendingOutcome {
  backend: BackendConfig;
  event: LockboardEvent;
  body: ClaimBody;
  etag: string;
  giveUpAt: number;
}

export interface AlertState {
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
  /** Per-actor rate limit of the events made from audit records (mutations, downloads). */
  actors: ActorLimiter;
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
export const MAX_EVENTS_AT_ONCE = 4;
export const MAX_QUEUED_EVENTS = 5_000;
export const UNLOCK_MEMORY_MS = 15 * 60_000;
export const SWEEP_MS = 2_000;

const stateKey = Symbol.for('lockboard.alerting');

export function state(): AlertState {
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
    actors: new ActorLimiter(),
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

/** Tests: a fresh per-actor rate limit, optionally with other limits. */
export function resetActorLimitsForTests(limits?: ActorLimits): void {
  state().actors = new ActorLimiter(limits);
}

export function channelsFor(event: LockboardEvent): ChannelConfig[] {
  return getConfig().channels.filter((c) => channelWants(c, event));
}


export function channelStatus(channel: ChannelConfig): ChannelStatus {
  const st = state();
  let status = st.channels.get(channel.name);
  if (!status) {
    status = { name: channel.name, type: channel.type, lastOutcome: null, lastAt: null, lastDetail: null, delivered: 0, failed: 0 };
    st.channels.set(channel.name, status);
  }
  return status;
}

export function record(event: LockboardEvent, channel: ChannelConfig, outcome: DeliveryOutcome, attempts: number, detail: string | null): void {
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

export function remember(event: LockboardEvent): void {
  const st = state();
  if (st.events.some((e) => e.id === event.id)) return;
  st.events.unshift(event);
  st.events.length = Math.min(st.events.length, MAX_RECENT_EVENTS);
}

export function settle(id: string): void {
  const st = state();
  st.followUps.delete(id);
  st.settled.set(id, Date.now());
  if (st.settled.size > MAX_SETTLED) for (const key of st.settled.keys()) {
    st.settled.delete(key);
    if (st.settled.size <= MAX_SETTLED / 2) break;
  }
}

export function followUp(backendId: string, event: LockboardEvent, dueAt: number): void {
  const st = state();
  if (st.followUps.size >= MAX_FOLLOW_UPS && !st.followUps.has(event.id)) {
    logger.error('alert follow-up dropped', { event: event.id, reason: 'too many pending events' });
    return;
  }
  st.followUps.set(event.id, { backendId, event, dueAt });
}

