import 'server-only';
/**
 * One read of a backend: a paginated Scan of the lock table and a paginated listing of the bucket,
 * in parallel, shared by the locks and states views. Each half fails on its own, so a missing table
 * still leaves the `.tflock` locks visible (and vice versa).
 *
 * Reads are made by the backend's watcher (lib/server/watcher.ts): one per backend per replica, every
 * `watchIntervalSeconds` while someone viewed the backend recently (or alerting watches it). A viewer
 * gets the latest read when it completed less than an interval ago, else waits for a fresh one
 * (shared) for at most LIVE_PATIENCE_MS, then gets the last read with a notice saying so (the fresh
 * one goes on; the page's next poll gets it). A read with an error is served as what it is (the
 * error), never as a fresh listing.
 *
 * A backend in event mode (issue 24; lib/services/event-state.ts) is read whole only at reconcile,
 * after a mutation and while it is fallen back; otherwise its watcher's reads and the events' pushes
 * are the event-maintained store as a snapshot, at no AWS cost.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { lastThrottledAt } from '../aws/clients';
import { scanLockTable } from '../aws/lock-table';
import { listAllObjects, type ObjectSummary } from '../aws/state-bucket';
import { onClearCache } from '../server/cache';
import { getConfig, type BackendConfig } from '../server/config';
import { listBackends, onBackendsChanged } from '../server/backends';
import { toAppError } from '../server/errors';
import { withCallOrigin } from '../server/call-origin';
import { logger } from '../server/logger';
import { recordBackendRead, recordBackendReadStart, recordCache } from '../server/metrics';
import { recordEventsLost } from '../server/event-metrics';
import type { AppError } from '../api/errors';
import type { TableItem } from '../terraform/table-items';
import { Watcher, type WatchedRead } from '../server/watcher';
import { eventStateOf, isWatchedKey, modeOf, type BackendEventState } from './event-state';

export interface BackendSnapshot {
  /** Table items, [] when the backend has no table, null when the scan failed. */
  tableItems: TableItem[] | null;
  tableError: AppError | null;
  objects: ObjectSummary[] | null;
  bucketError: AppError | null;
  fetchedAt: string;
  /** Things worth telling the viewer that are not failures (e.g. AWS throttled and we backed off). */
  notices: string[];
}

const THROTTLE_NOTICE_MS = 60_000;
/**
 * How long a viewer waits for a fresh read when an older one is kept. Short: a page of sixty
 * backends makes its requests six at a time (the browser's connections), so a wait per backend
 * adds up; the answer's `fetchedAt` and notice say how old it is.
 */
export const LIVE_PATIENCE_MS = 300;

/** A notice when AWS throttled this backend's reads recently (they were retried with back-off). */
export function throttleNotices(backend: BackendConfig, nowMs = Date.now()): string[] {
  const at = lastThrottledAt(backend.id);
  return at !== null && nowMs - at < THROTTLE_NOTICE_MS
    ? [`AWS throttled requests for backend "${backend.name}" in the last minute; Lockboard retried with adaptive back-off and now paces its requests to this backend.`]
    : [];
}

async function readSnapshot(backend: BackendConfig): Promise<BackendSnapshot> {
  const [table, bucket] = await Promise.allSettled([
    backend.dynamodbTable ? scanLockTable(backend) : Promise.resolve([] as TableItem[]),
    listAllObjects(backend),
  ]);
  return {
    tableItems: table.status === 'fulfilled' ? table.value : null,
    tableError: table.status === 'rejected' ? toAppError(table.reason, 'backend read failed', { backend: backend.id, read: 'lock table' }) : null,
    objects: bucket.status === 'fulfilled' ? bucket.value : null,
    bucketError: bucket.status === 'rejected' ? toAppError(bucket.reason, 'backend read failed', { backend: backend.id, read: 'state bucket' }) : null,
    fetchedAt: new Date().toISOString(),
    notices: throttleNotices(backend),
  };
}

/** The event-maintained store as a read of the backend (no AWS call); fetchedAt is now: events are applied as they come. */
function storeSnapshot(backend: BackendConfig, st: BackendEventState): BackendSnapshot {
  const { objects, items } = st.store.contents();
  return { tableItems: backend.dynamodbTable ? items : [], tableError: null, objects, bucketError: null, fetchedAt: new Date().toISOString(), notices: throttleNotices(backend) };
}

/**
 * A full read of a backend in event mode: merged into the store, keys changed by events while it ran
 * kept. Differences a reconcile (`countLost`) finds while events were trusted are events lost
 * (counted, logged); found with no event for a whole reconcile interval, they stop event mode until an
 * event arrives. The full read after a mutation does not count: its own change may not be an event yet.
 */
export async function fullReadInto(backend: BackendConfig, st: BackendEventState, { countLost }: { countLost: boolean }): Promise<BackendSnapshot> {
  const trusted = countLost && modeOf(backend).mode === 'events';
  const mark = st.store.mark();
  let snapshot: BackendSnapshot;
  try {
    snapshot = await readSnapshot(backend);
  } catch (e) {
    st.store.abandon(mark);
    throw e;
  }
  const watched = (objects: ObjectSummary[] | null) => objects?.filter((o) => isWatchedKey(o.key, backend.stateSuffixes)) ?? null;
  const diff = st.store.reconcile(mark, snapshot.bucketError ? null : watched(snapshot.objects), snapshot.tableError ? null : snapshot.tableItems);
  const nowMs = Date.now();
  if (!isSnapshotOk(snapshot)) return snapshot;
  st.needsFullRead = false;
  st.rereadFailure = null;
  st.lastReconcileAt = nowMs;
  const lost = diff.objects.length + diff.items.length;
  if (trusted && lost > 0) {
    recordEventsLost(backend.id, lost);
    logger.warn('reconcile found changes no event announced', { backend: backend.id, objects: diff.objects.slice(0, 20), items: diff.items.slice(0, 20), count: lost });
    st.unannounced += lost;
  }
  // Silent for a whole interval while the listing changed: no event since the later of the last one and
  // the start of event mode, and changes found since then (by this reconcile or an earlier one).
  const intervalMs = (backend.events?.reconcileMinutes ?? 10) * 60_000;
  const quietSince = Math.max(st.lastEventAt ?? 0, st.eventsSince ?? 0);
  if (trusted && st.unannounced > 0 && nowMs - quietSince > intervalMs) {
    const interval = intervalMs >= 60_000 ? `${Math.round(intervalMs / 60_000)} min` : `${Math.round(intervalMs / 1000)} s`;
    const n = st.unannounced;
    st.silence = { reason: `no event for over ${interval} while the listing changed (${n} key${n === 1 ? '' : 's'})`, since: nowMs };
  }
  return storeSnapshot(backend, st);
}

/** After events changed the store: the new snapshot goes to viewers and listeners at once (event mode only). */
export function pushStoreSnapshot(backend: BackendConfig): void {
  const st = eventStateOf(backend);
  if (!st || modeOf(backend).mode !== 'events') return;
  watcherOf(backend).push(storeSnapshot(backend, st));
}

/** A full read made outside the watcher (reconcile): kept as the latest read. */
export function pushSnapshot(backend: BackendConfig, snapshot: BackendSnapshot): void {
  watcherOf(backend).push(snapshot);
}

type SnapshotWatcher = Watcher<BackendSnapshot>;

/** Listeners told of every kept read (event derivation, metrics). */
type ReadListener = (backend: BackendConfig, read: WatchedRead<BackendSnapshot>, previous: WatchedRead<BackendSnapshot> | null) => void;

interface WatchRegistry {
  watchers: Map<string, SnapshotWatcher>;
  listeners: Set<ReadListener>;
  keepAlive: (backendId: string) => boolean;
  /** Told of registry changes (once per process, whichever bundle came first). */
  following?: boolean;
}

// On globalThis: Next.js may bundle this module more than once, and a replica must have one watcher per backend.
const registryKey = Symbol.for('lockboard.watchers');

function registry(): WatchRegistry {
  const holder = globalThis as unknown as Record<symbol, WatchRegistry | undefined>;
  holder[registryKey] ??= { watchers: new Map(), listeners: new Set(), keepAlive: () => false };
  return holder[registryKey];
}

export function isSnapshotOk(s: BackendSnapshot): boolean {
  return s.tableError === null && s.bucketError === null;
}

/** The watcher of this backend (created on first use). */
export function watcherOf(backend: BackendConfig): SnapshotWatcher {
  const reg = registry();
  let watcher = reg.watchers.get(backend.id);
  if (!watcher) {
    watcher = new Watcher<BackendSnapshot>({
      // Counted as the watcher's even when a viewer's request is what started it.
      read: () =>
        withCallOrigin('watcher', async () => {
          const st = eventStateOf(backend);
          // Event mode: the store is the read, unless a mutation asks for a full one.
          if (st && !st.forceFullRead && modeOf(backend).mode === 'events') return storeSnapshot(backend, st);
          if (st) st.forceFullRead = false;
          recordBackendReadStart(backend.id);
          let ok: boolean | null = null;
          try {
            const snapshot = st ? await fullReadInto(backend, st, { countLost: false }) : await readSnapshot(backend);
            ok = isSnapshotOk(snapshot);
            return snapshot;
          } finally {
            recordBackendRead(backend.id, ok);
          }
        }),
      isOk: isSnapshotOk,
      intervalMs: () => getConfig().watchIntervalSeconds * 1000,
      // A page polls every pollIntervalSeconds: it stays "viewing" between two polls.
      idleAfterMs: () => 2 * Math.max(getConfig().watchIntervalSeconds, getConfig().pollIntervalSeconds) * 1000,
      keepAlive: () => registry().keepAlive(backend.id),
      patienceMs: () => LIVE_PATIENCE_MS,
      onServe: (fresh) => recordCache('snapshot', fresh ? 'hit' : 'miss'),
      onRead: (read, previous) => {
        for (const listener of registry().listeners) listener(backend, read, previous);
      },
    });
    reg.watchers.set(backend.id, watcher);
  }
  return watcher;
}

/** Set while alerting or metrics evaluate a read the watcher just made: not a view, and no new read. */
const evaluating = new AsyncLocalStorage<BackendSnapshot>();

/** The backend's latest read if it is fresh (completed less than an interval ago), else a fresh read. */
export async function getSnapshot(backend: BackendConfig): Promise<BackendSnapshot> {
  const pinned = evaluating.getStore();
  if (pinned) return pinned;
  const read = await watcherOf(backend).get();
  return read.behind ? behindCopy(backend, read.value) : read.value;
}

const behindCopies = new WeakMap<BackendSnapshot, BackendSnapshot>();

/** The last read served while a newer one runs: the same read (one copy per read) with a notice. */
function behindCopy(backend: BackendConfig, snapshot: BackendSnapshot): BackendSnapshot {
  let copy = behindCopies.get(snapshot);
  if (!copy) {
    const at = snapshot.fetchedAt.replace(/\.\d+Z$/, 'Z');
    const notice = `Backend "${backend.name}" is shown as last read, at ${at}: a newer read is still running (the endpoint is slow or busy) and replaces it when it completes.`;
    copy = { ...snapshot, notices: [...snapshot.notices, notice] };
    behindCopies.set(snapshot, copy);
  }
  return copy;
}

/** Runs `fn` (listLocks, listStates…) against this snapshot, without counting a view or reading again. */
export function withSnapshot<T>(snapshot: BackendSnapshot, fn: () => Promise<T>): Promise<T> {
  return evaluating.run(snapshot, fn);
}

/** After a mutation: the next answer waits for a read started after the mutation. */
export function invalidateSnapshot(backendId: string): void {
  const backend = getConfig().backends.find((b) => b.id === backendId);
  const st = backend ? eventStateOf(backend) : null;
  // Its own change may not have arrived as an event yet: read whole.
  if (st) st.forceFullRead = true;
  registry().watchers.get(backendId)?.invalidate();
}

/** Every kept read of every backend is passed to `listener` (returns an unsubscribe function). */
export function onSnapshotRead(listener: ReadListener): () => void {
  registry().listeners.add(listener);
  return () => registry().listeners.delete(listener);
}

/** Which backends are watched with nobody viewing (alerting); their watchers start at once. */
export function setWatchKeepAlive(keepAlive: (backendId: string) => boolean): void {
  registry().keepAlive = keepAlive;
  followRegistry();
}

/**
 * Backends discovery registers later are watched like the others (alerting wakes them); the watcher
 * of a backend no longer registered (an ignored proposal, a bucket gone) stops.
 */
function followRegistry(): void {
  const reg = registry();
  const current = new Map(listBackends().map((b) => [b.id, b]));
  for (const [id, watcher] of reg.watchers) {
    if (current.has(id)) continue;
    watcher.stop();
    reg.watchers.delete(id);
  }
  for (const backend of current.values()) if (reg.keepAlive(backend.id)) watcherOf(backend).wake();
  if (!reg.following) {
    reg.following = true;
    onBackendsChanged(followRegistry);
  }
}

/** Every watcher of this replica (metrics). */
export function snapshotWatchers(): ReadonlyMap<string, SnapshotWatcher> {
  return registry().watchers;
}

function resetWatchers(): void {
  const reg = registry();
  for (const watcher of reg.watchers.values()) watcher.stop();
  reg.watchers.clear();
}

// Tests reset every process-wide cache with clearCache(): the watchers are part of it.
onClearCache(resetWatchers);
