import 'server-only';
/**
 * What the event consumers (lib/jobs/events) do to a backend's snapshot (issue 24): an event names a
 * key, the key is re-read and the new snapshot pushed to viewers and listeners; a reconcile reads the
 * backend whole and merges it. A source's health decides the backend's mode (event-state.ts).
 */
import { withCallOrigin } from '../server/call-origin';
import type { BackendConfig } from '../server/config';
import { logger } from '../server/logger';
import type { BackendMode, EventSourceName } from '../api/backends';
import { fullReadInto, pushSnapshot, pushStoreSnapshot } from './backend-snapshot';
import { eventStateOf, modeOf, sourceAnswered, sourceFailed, sourcesAnswering } from './event-state';
import type { ChangeOutcome } from './snapshot-store';
import { DIGEST_SUFFIX, lockfileKey, stateKeyOfLockId } from '../terraform/paths';

export { isWatchedKey } from './event-state';

const pushTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** Changes arriving together (a message of ten records) make one new snapshot. */
function schedulePush(backend: BackendConfig): void {
  if (pushTimers.has(backend.id)) return;
  const timer = setTimeout(() => {
    pushTimers.delete(backend.id);
    pushStoreSnapshot(backend);
  }, 5);
  pushTimers.set(backend.id, timer);
}

function noteEvent(backend: BackendConfig): NonNullable<ReturnType<typeof eventStateOf>> {
  const st = eventStateOf(backend);
  if (!st) throw new Error(`backend ${backend.id} is not in event mode`);
  st.lastEventAt = Date.now();
  st.unannounced = 0;
  if (st.silence) {
    logger.info('events arrive again: event mode resumes', { backend: backend.id, after: st.silence.reason });
    st.silence = null;
  }
  return st;
}

/** An S3 event named `key` of the backend's bucket (a watched key). */
export async function objectEvent(backend: BackendConfig, key: string, sequencer: string | null): Promise<ChangeOutcome> {
  const st = noteEvent(backend);
  const version = st.store.version;
  const outcome = await st.store.objectChanged(key, sequencer);
  if (st.store.version !== version) schedulePush(backend);
  return outcome;
}

/**
 * A stream record named `lockId`. A lock is two-sided in dual mode: its `.tflock` is re-read too,
 * since Terraform changes both sides within milliseconds and the S3 side's event may come later (or,
 * on the local stack, not at all: moto announces no delete marker).
 */
export async function itemEvent(backend: BackendConfig, lockId: string, sequenceNumber: string): Promise<ChangeOutcome> {
  const st = noteEvent(backend);
  const version = st.store.version;
  const stateKey = backend.useLockfile && !lockId.endsWith(DIGEST_SUFFIX) ? stateKeyOfLockId(lockId, backend.bucket) : null;
  const [outcome] = await Promise.all([st.store.itemChanged(lockId, sequenceNumber), stateKey ? st.store.objectChanged(lockfileKey(stateKey), null) : null]);
  if (st.store.version !== version) schedulePush(backend);
  return outcome;
}

/** A full read merged into the store (start-up, every reconcileMinutes, after a source recovered). */
export async function reconcileBackend(backend: BackendConfig): Promise<boolean> {
  const st = eventStateOf(backend);
  if (!st) return false;
  const snapshot = await withCallOrigin('watcher', () => fullReadInto(backend, st, { countLost: true }));
  // The full read is the truth as of now, whatever the mode it leaves the backend in.
  pushSnapshot(backend, snapshot);
  return snapshot.bucketError === null && snapshot.tableError === null;
}

/** True while the store must be filled by a full read before events are trusted. */
export function needsReconcile(backend: BackendConfig): boolean {
  return eventStateOf(backend)?.needsFullRead ?? false;
}

/** True while every event source of the backend answers. */
export function sourcesHealthy(backend: BackendConfig): boolean {
  const st = eventStateOf(backend);
  return st !== null && sourcesAnswering(st);
}

export function lastReconcileAt(backend: BackendConfig): number | null {
  return eventStateOf(backend)?.lastReconcileAt ?? null;
}

export function markSourceAnswered(backend: BackendConfig, source: EventSourceName): void {
  const st = eventStateOf(backend);
  if (st) sourceAnswered(st, source);
}

export function markSourceFailed(backend: BackendConfig, source: EventSourceName, reason: string): void {
  const st = eventStateOf(backend);
  if (st) sourceFailed(st, source, reason);
}

/** How this replica keeps the backend fresh now, and why. */
export function backendMode(backend: BackendConfig): BackendMode {
  return modeOf(backend);
}

/** Resolves when the re-reads under way are applied (tests). */
export async function eventsSettled(backend: BackendConfig): Promise<void> {
  await eventStateOf(backend)?.store.settled();
}
