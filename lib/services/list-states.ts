import 'server-only';
/**
 * Every state of one backend with its digest health and live lock. Costs the backend snapshot (one
 * paginated listing, one paginated scan, shared with the locks view) plus a download only for the
 * objects whose ETag cannot prove their MD5; those hashes are cached by (key, ETag).
 */
import crypto from 'node:crypto';
import { getObjectBytes, type ObjectSummary } from '../aws/state-bucket';
import { cachedRead, invalidate } from '../server/cache';
import { mapLimit } from '../server/concurrency';
import type { BackendConfig } from '../server/config';
import { AppError } from '../api/errors';
import type { StateEntry, StatesResult } from '../api/states';
import { logger } from '../server/logger';
import { digestStatus, needsDownload } from '../terraform/digest';
import type { Lock } from '../terraform/locks';
import { isStateKey, stateKeyOfDigestId, workspaceOfKey } from '../terraform/paths';
import { classifyTableItems } from '../terraform/table-items';
import { getSnapshot, withSnapshot, type BackendSnapshot } from './backend-snapshot';
import { cacheKey } from './cache-keys';
import { listLocks } from './list-locks';
import { snapshotMemo } from './snapshot-memo';

export type { StateEntry, StatesResult } from '../api/states';

/** A hash is immutable for a given (key, ETag): keep it long. */
const MD5_TTL_MS = 24 * 3600_000;
/** Downloads at once per listing: a few large states must not starve the server. */
const HASH_CONCURRENCY = 4;

type Hash = { md5: string } | { error: string };

/** MD5 of the object's current bytes; failures are not cached, so the next refresh retries. */
async function objectMd5(backend: BackendConfig, object: ObjectSummary): Promise<string> {
  const key = cacheKey(backend.id, object.key, object.etag);
  try {
    return await cachedRead('state-md5', key, MD5_TTL_MS, async () => {
      const read = await getObjectBytes(backend, object.key);
      if (read === null) throw new AppError('state_not_found', 'the object was deleted while it was being checked.');
      // Overwritten since the listing: this hash belongs to another ETag, check again next refresh.
      if (read.etag !== object.etag) throw new AppError('state_changed', 'the object changed while it was being checked; the next refresh checks the new version.');
      return crypto.createHash('md5').update(read.body).digest('hex');
    });
  } catch (e) {
    invalidate('state-md5', key);
    throw e;
  }
}

async function hashObject(backend: BackendConfig, object: ObjectSummary): Promise<Hash> {
  try {
    return { md5: await objectMd5(backend, object) };
  } catch (e) {
    if (e instanceof AppError) return { error: e.message };
    logger.error('state hash failed', { backend: backend.id, key: object.key, error: e });
    return { error: 'unexpected failure while downloading the object.' };
  }
}

const sameRead = snapshotMemo<StatesResult>();
/** The states of a read without their locks: built once per read (20,000 digests are not re-judged every second). */
const lockless = new WeakMap<BackendSnapshot, Promise<StateEntry[]>>();

export async function listStates(backend: BackendConfig, nowMs = Date.now()): Promise<StatesResult> {
  const snapshot = await getSnapshot(backend);
  return sameRead(snapshot, nowMs, () => statesOf(backend, snapshot, nowMs));
}

/** The read's states joined with its locks as of `nowMs` (ages change every second, the rest once per read). */
async function statesOf(backend: BackendConfig, snapshot: BackendSnapshot, nowMs: number): Promise<StatesResult> {
  // The locks of this same read: no extra listing.
  const locksPromise = withSnapshot(snapshot, () => listLocks(backend, nowMs));
  await locksPromise.catch(() => null);
  if (snapshot.bucketError) throw snapshot.bucketError;
  // With the bucket readable, listLocks does not fail on AWS errors (they become its `errors`).
  const { locks } = await locksPromise;

  const lockByKey = new Map<string, Lock>();
  for (const lock of locks) {
    // A split lock gives two entries for one key: the first is shown (both carry the split_lock flag).
    if (!lock.problems.includes('other_bucket') && !lockByKey.has(lock.key)) lockByKey.set(lock.key, lock);
  }
  let base = lockless.get(snapshot);
  if (!base) {
    base = locklessStates(backend, snapshot);
    lockless.set(snapshot, base);
    base.catch(() => lockless.delete(snapshot));
  }
  // An unlocked state is the same object every second (so its listing fingerprint is computed once).
  const states = (await base).map((s) => {
    const lock = lockByKey.get(s.key);
    return lock ? { ...s, lock } : s;
  });
  const errors = snapshot.tableError ? [snapshot.tableError.toJson()] : [];
  return { states, fetchedAt: snapshot.fetchedAt, errors, notices: snapshot.notices };
}

/** Every state of the read with its digest health (lock: null), in key order. */
async function locklessStates(backend: BackendConfig, snapshot: BackendSnapshot): Promise<StateEntry[]> {
  const digestByKey = new Map<string, string>();
  for (const item of classifyTableItems(snapshot.tableItems ?? []).digests) {
    const key = stateKeyOfDigestId(item.lockId, backend.bucket);
    if (key !== null) digestByKey.set(key, item.digest);
  }

  const objects = snapshot.objects ?? [];
  const stateObjects = objects.filter((o) => isStateKey(o.key, backend.stateSuffixes));
  const canCompare = backend.dynamodbTable !== null && snapshot.tableError === null;
  const toHash = canCompare ? stateObjects.filter((o) => needsDownload(o, digestByKey.get(o.key))) : [];
  const hashes = new Map<string, Hash>();
  const results = await mapLimit(toHash, HASH_CONCURRENCY, (o) => hashObject(backend, o));
  toHash.forEach((o, i) => hashes.set(o.key, results[i]!));

  const common = { hasTable: backend.dynamodbTable !== null, ...(snapshot.tableError ? { tableError: snapshot.tableError.message } : {}) };
  const entry = (key: string, object: ObjectSummary | null): StateEntry => {
    const digest = digestByKey.get(key) ?? null;
    const hash = hashes.get(key);
    const verdict = digestStatus({
      ...common,
      object,
      digest,
      ...(hash && 'md5' in hash ? { calculatedMd5: hash.md5 } : {}),
      ...(hash && 'error' in hash ? { downloadError: hash.error } : {}),
    });
    return {
      key,
      workspace: workspaceOfKey(key, backend.workspaceKeyPrefix),
      size: object?.size ?? null,
      lastModified: object?.lastModified ?? null,
      etag: object?.etag ?? null,
      digest,
      digestStatus: verdict.status,
      ...(verdict.reason !== undefined ? { digestReason: verdict.reason } : {}),
      ...(verdict.calculatedMd5 !== null ? { calculatedMd5: verdict.calculatedMd5 } : {}),
      lock: null,
    };
  };

  const states = stateObjects.map((o) => entry(o.key, o));
  const objectKeys = new Set(objects.map((o) => o.key));
  for (const key of digestByKey.keys()) {
    if (objectKeys.has(key)) continue;
    const orphan = entry(key, null);
    // A malformed digest without an object is ignored by Terraform, and so here.
    if (orphan.digestStatus === 'orphan') states.push(orphan);
  }
  states.sort((a, b) => a.key.localeCompare(b.key));

  return states;
}
