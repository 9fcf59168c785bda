import 'server-only';
/**
 * Liveness of each listed lock: the heartbeat objects `lockboard run` writes under the configured
 * prefix come with the bucket listing the backend snapshot already made (their LastModified is the
 * beat's time, S3's clock); their bodies (host, PID, the lock they name) are read once per ETag,
 * capped, and cached like `.tflock` bodies. The rule is lib/terraform/liveness.ts.
 */
import { getCappedObject } from '../aws/lockboard-objects';
import { listAllObjects, type ObjectSummary } from '../aws/state-bucket';
import { lockIdOfHeartbeatKey, MAX_HEARTBEAT_BYTES, parseHeartbeatBody } from '../api/heartbeat';
import { cachedRead } from '../server/cache';
import { withCallOrigin } from '../server/call-origin';
import { mapLimit } from '../server/concurrency';
import { getConfig, type BackendConfig } from '../server/config';
import { evaluateLiveness, MAX_HEARTBEATS_PER_LOCK, type HeartbeatRead } from '../terraform/liveness';
import type { Lock } from '../terraform/locks';
import { cacheKey } from './cache-keys';
import type { BackendSnapshot } from './backend-snapshot';

const BODY_TTL_MS = 10 * 60_000;
/** An event-mode backend's heartbeat listing is shared this long by the views, alerting and auto-release. */
const BEATS_LISTING_TTL_MS = 3000;
const READ_CONCURRENCY = 8;
const READ_DEADLINE_MS = 5000;

type Body = { text: string } | { problem: 'oversized' | 'missing' };

async function readBeat(backend: BackendConfig, object: ObjectSummary): Promise<HeartbeatRead> {
  const base = { objectKey: object.key, lastModifiedMs: object.lastModified ? Date.parse(object.lastModified) : null };
  // The listing says how big it is: a huge object is never downloaded.
  if (object.size > MAX_HEARTBEAT_BYTES) return { ...base, body: null, problem: 'oversized' };
  try {
    const body = await cachedRead<Body>('heartbeat', cacheKey(backend.id, object.key, object.etag), BODY_TTL_MS, async () => {
      const read = await getCappedObject(backend, backend.bucket, object.key, MAX_HEARTBEAT_BYTES, READ_DEADLINE_MS);
      if (read.status === 'ok') return { text: read.text };
      return { problem: read.status === 'too_large' ? 'oversized' : 'missing' };
    });
    if ('problem' in body) return body.problem === 'oversized' ? { ...base, body: null, problem: 'oversized' } : { ...base, body: null, problem: 'unreadable' };
    const parsed = parseHeartbeatBody(body.text);
    return 'body' in parsed ? { ...base, body: parsed.body } : { ...base, body: null, problem: 'malformed' };
  } catch {
    // Denied, throttled past its retries, or out of time: unread, so it proves nothing.
    return { ...base, body: null, problem: 'unreadable' };
  }
}

/**
 * The heartbeat objects to judge by. A backend with `events` is served from the event-maintained store,
 * which follows states and `.tflock` files only (heartbeats are not in the bucket's notifications): its
 * heartbeats are listed under the prefix itself, only while it has locks, shared for a few seconds, and
 * counted as `origin="liveness"` (not as the state listing event mode replaces).
 */
async function heartbeatObjects(backend: BackendConfig, snapshot: BackendSnapshot, prefix: string, locks: Lock[]): Promise<ObjectSummary[] | null> {
  if (!backend.events) return snapshot.objects;
  if (locks.length === 0) return [];
  try {
    return await cachedRead('heartbeat-listing', cacheKey(backend.id, prefix), BEATS_LISTING_TTL_MS, () => withCallOrigin('liveness', () => listAllObjects(backend, prefix)));
  } catch {
    return null;
  }
}

/** Sets `liveness` on each lock (not when the bucket or heartbeat listing failed: nothing was read to judge by). */
export async function attachLiveness(backend: BackendConfig, snapshot: BackendSnapshot, locks: Lock[], nowMs: number): Promise<void> {
  if (!snapshot.objects) return;
  const settings = getConfig().liveness;
  const beatObjects = await heartbeatObjects(backend, snapshot, settings.heartbeatPrefix, locks);
  if (!beatObjects) return;
  const held = new Set(locks.map((l) => l.id).filter((id) => id !== ''));
  const beatsByLock = new Map<string, ObjectSummary[]>();
  const stateWrites = new Map<string, number>();
  const keys = new Set(locks.map((l) => l.key));
  for (const object of snapshot.objects) if (keys.has(object.key) && object.lastModified) stateWrites.set(object.key, Date.parse(object.lastModified));
  for (const object of beatObjects) {
    const lockId = lockIdOfHeartbeatKey(settings.heartbeatPrefix, object.key);
    // Heartbeats of locks no longer held (a run that died and was released) are left alone.
    if (lockId === null || !held.has(lockId)) continue;
    beatsByLock.set(lockId, [...(beatsByLock.get(lockId) ?? []), object]);
  }
  await mapLimit(locks, READ_CONCURRENCY, async (lock) => {
    // Newest first: the bound on beats read per lock keeps the ones that matter.
    const objects = (lock.id === '' ? [] : (beatsByLock.get(lock.id) ?? [])).sort((a, b) => (b.lastModified ?? '').localeCompare(a.lastModified ?? ''));
    const beats = await mapLimit(objects.slice(0, MAX_HEARTBEATS_PER_LOCK), READ_CONCURRENCY, (o) => readBeat(backend, o));
    const skipped = objects.slice(MAX_HEARTBEATS_PER_LOCK).map((o): HeartbeatRead => ({ objectKey: o.key, lastModifiedMs: null, body: null }));
    lock.liveness = evaluateLiveness(lock, [...beats, ...skipped], stateWrites.get(lock.key) ?? null, { nowMs, aliveWithinSeconds: settings.aliveWithinSeconds, deadAfterSeconds: settings.deadAfterSeconds, longestRunMinutes: settings.longestRunMinutes });
  });
}
