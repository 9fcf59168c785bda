import 'server-only';
/**
 * Event mode's bookkeeping per backend on this replica (issue 24): the event-maintained store, the
 * health of each event source, and the mode that follows — `events` (views read the store, no
 * polling), `fallback` (polled as before, with the reason), or `polling` (as configured).
 *
 * A backend is in event mode only while every configured source works, a full read filled the store
 * since the last time a source failed, and reconcile has not caught the sources missing changes.
 */
import { getHeadObject, getItemNow } from './event-readers';
import type { BackendConfig } from '../server/config';
import { onClearCache } from '../server/cache';
import { recordBackendMode } from '../server/event-metrics';
import { logger } from '../server/logger';
import type { BackendMode, EventSourceName } from '../api/backends';
import { isStateKey, stateKeyOfLockfile } from '../terraform/paths';
import { SnapshotStore } from './snapshot-store';

/**
 * A source whose last answer is older than this is stalled (a long poll lasts 20 s at most; a request
 * that hangs fails at its deadline first): the backend falls back, so the snapshot served as "now" is
 * never older than this.
 */
export const SOURCE_STALL_MS = 60_000;

interface SourceStatus {
  failure: { reason: string; since: number } | null;
  /** When the source last answered (a long poll, a page of records). */
  lastAnswerAt: number;
}

export interface BackendEventState {
  readonly backendId: string;
  readonly store: SnapshotStore;
  readonly sources: Map<EventSourceName, SourceStatus>;
  /** Reconcile caught changes no event announced while none arrived: not trusted until one does. */
  silence: { reason: string; since: number } | null;
  /** A re-read failed: the store may be wrong about a key until a full read. */
  rereadFailure: { reason: string; since: number } | null;
  /** A full read must fill (or refill) the store before events are trusted. */
  needsFullRead: boolean;
  /** A mutation invalidated the snapshot: the next read is a full one (its effect may not be an event yet). */
  forceFullRead: boolean;
  lastEventAt: number | null;
  /** Changes reconciles found that no event announced, since the last event (a silence needs a whole interval of them). */
  unannounced: number;
  lastReconcileAt: number | null;
  /** When the backend last entered event mode (for the page's "since"). */
  eventsSince: number | null;
}

const key = Symbol.for('lockboard.eventStates');

function states(): Map<string, BackendEventState> {
  const holder = globalThis as unknown as Record<symbol, Map<string, BackendEventState> | undefined>;
  holder[key] ??= new Map();
  return holder[key];
}

function sourcesOf(backend: BackendConfig): EventSourceName[] {
  const e = backend.events;
  if (!e) return [];
  return [...(e.s3 ? (['s3'] as const) : []), ...(e.dynamodbStreamArn && backend.dynamodbTable ? (['stream'] as const) : [])];
}

/** The objects event mode follows: states and `.tflock` files (what the views read of a listing). */
export function isWatchedKey(key: string, suffixes: readonly string[]): boolean {
  return stateKeyOfLockfile(key) !== null || isStateKey(key, suffixes);
}

/** The backend's event state (created on first use), or null for a polled backend. */
export function eventStateOf(backend: BackendConfig): BackendEventState | null {
  if (!backend.events) return null;
  let st = states().get(backend.id);
  if (!st) {
    const store = new SnapshotStore({ object: (k) => getHeadObject(backend, k), item: (id) => getItemNow(backend, id) });
    st = {
      backendId: backend.id,
      store,
      // A source is trusted once it answered: until then the backend is polled.
      sources: new Map(sourcesOf(backend).map((s) => [s, { failure: { reason: 'not connected yet', since: Date.now() }, lastAnswerAt: Date.now() }])),
      silence: null,
      rereadFailure: null,
      needsFullRead: true,
      forceFullRead: false,
      lastEventAt: null,
      unannounced: 0,
      lastReconcileAt: null,
      eventsSince: null,
    };
    const state = st;
    store.onRereadError = (error, k) => {
      const reason = `a re-read of ${k} failed (${error instanceof Error ? error.message : String(error)}); polled until the next full read`;
      if (!state.rereadFailure) logger.warn('event re-read failed: falling back to polling', { backend: backend.id, key: k, error });
      state.rereadFailure = { reason, since: Date.now() };
      state.needsFullRead = true;
    };
    states().set(backend.id, st);
  }
  return st;
}

function fallback(st: BackendEventState, mode: BackendMode): BackendMode {
  st.eventsSince = null;
  return mode;
}

/** The mode of a backend now, and why. */
export function modeOf(backend: BackendConfig, nowMs = Date.now()): BackendMode {
  const mode = computeMode(backend, nowMs);
  recordBackendMode(backend.id, mode.mode);
  return mode;
}

function computeMode(backend: BackendConfig, nowMs: number): BackendMode {
  const st = eventStateOf(backend);
  if (!st) return { mode: 'polling', reason: 'polling is configured (no events block)', since: null };
  const at = (ms: number) => new Date(ms).toISOString();
  for (const [name, s] of st.sources) {
    const what = name === 's3' ? 'S3 event queue' : 'lock table stream';
    if (s.failure) return fallback(st, { mode: 'fallback', reason: `${what}: ${s.failure.reason}`, since: at(s.failure.since) });
    if (nowMs - s.lastAnswerAt > SOURCE_STALL_MS) return fallback(st, { mode: 'fallback', reason: `${what}: no answer for ${Math.round((nowMs - s.lastAnswerAt) / 1000)} s`, since: at(s.lastAnswerAt) });
  }
  if (st.silence) return fallback(st, { mode: 'fallback', reason: st.silence.reason, since: at(st.silence.since) });
  if (st.rereadFailure) return fallback(st, { mode: 'fallback', reason: st.rereadFailure.reason, since: at(st.rereadFailure.since) });
  if (st.needsFullRead || !st.store.ready) return fallback(st, { mode: 'fallback', reason: 'waiting for a full read before trusting events', since: null });
  st.eventsSince ??= nowMs;
  return { mode: 'events', reason: `following ${[...st.sources.keys()].map((s) => (s === 's3' ? 'S3 object events' : 'the lock table stream')).join(' and ')}`, since: st.eventsSince === null ? null : at(st.eventsSince) };
}

/** A source answered: it works (again). After a failure, events are trusted only after a full read. */
export function sourceAnswered(st: BackendEventState, source: EventSourceName, nowMs = Date.now()): void {
  const s = st.sources.get(source);
  if (!s) return;
  s.lastAnswerAt = nowMs;
  if (s.failure) {
    logger.info('event source answers', { backend: st.backendId, source, after: s.failure.reason });
    s.failure = null;
    st.needsFullRead = true;
  }
}

/** A source failed: the backend is polled until it works again and a full read caught up. */
export function sourceFailed(st: BackendEventState, source: EventSourceName, reason: string, nowMs = Date.now()): void {
  const s = st.sources.get(source);
  if (!s) return;
  if (!s.failure) logger.warn('event source failed: falling back to polling', { backend: st.backendId, source, reason });
  s.failure ??= { reason, since: nowMs };
  s.failure.reason = reason;
}

/** True while every source of the backend answers (a full read may then make it event mode). */
export function sourcesAnswering(st: BackendEventState): boolean {
  return [...st.sources.values()].every((s) => s.failure === null);
}

/** Tests only: forget every backend's event state. */
export function resetEventStates(): void {
  states().clear();
}

// Tests reset every process-wide cache with clearCache(): the event states are part of it.
onClearCache(resetEventStates);
