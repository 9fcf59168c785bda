import 'server-only';
/**
 * Live locks of one backend: DynamoDB lock items plus `.tflock` objects, merged.
 */
import crypto from 'node:crypto';
import { getObjectBytes } from '../aws/state-bucket';
import { cachedRead } from '../server/cache';
import { mapLimit } from '../server/concurrency';
import type { BackendConfig } from '../server/config';
import { AppError } from '../api/errors';
import type { LocksResult } from '../api/locks';
import { freezeMarksOf } from '../terraform/freeze-lock';
import { mergeLocks, type Lock, type LockfileRecord } from '../terraform/locks';
import { stateKeyOfLockfile, stateKeyOfLockId } from '../terraform/paths';
import { classifyTableItems } from '../terraform/table-items';
import type { ObjectSummary } from '../aws/state-bucket';
import { getSnapshot, type BackendSnapshot } from './backend-snapshot';
import { snapshotMemo } from './snapshot-memo';
import { cacheKey } from './cache-keys';
import { isVerifiedFreeze } from './freeze-marker';
import { lockContext } from './terraform-lock';
import { attachLiveness } from './lock-liveness';


const LOCKFILE_BODY_TTL_MS = 10 * 60_000;
const READ_CONCURRENCY = 8;

function md5Hex(text: string): string {
  return crypto.createHash('md5').update(text, 'utf8').digest('hex');
}

/** A `.tflock` body: immutable for a given ETag, so it is read once per (key, ETag). */
async function readLockfile(backend: BackendConfig, object: ObjectSummary, key: string): Promise<LockfileRecord | null> {
  const base = { key, etag: object.etag, lastModified: object.lastModified };
  try {
    const body = await cachedRead('lockfile', cacheKey(backend.id, object.key, object.etag), LOCKFILE_BODY_TTL_MS, async () => {
      const bytes = await getObjectBytes(backend, object.key);
      return bytes === null ? null : new TextDecoder().decode(bytes.body);
    });
    // Deleted between listing and read: the lock was released.
    return body === null ? null : { ...base, body };
  } catch (e) {
    const reason = e instanceof AppError ? e.message : String(e);
    return { ...base, body: null, readError: reason };
  }
}

const sameRead = snapshotMemo<LocksResult>();

export async function listLocks(backend: BackendConfig, nowMs = Date.now()): Promise<LocksResult> {
  const snapshot = await getSnapshot(backend);
  return sameRead(snapshot, nowMs, () => locksOf(backend, snapshot, nowMs));
}

async function locksOf(backend: BackendConfig, snapshot: BackendSnapshot, nowMs: number): Promise<LocksResult> {
  if (snapshot.tableError && snapshot.bucketError) throw snapshot.tableError;
  if (snapshot.bucketError && !backend.dynamodbTable) throw snapshot.bucketError;

  const { locks: items } = classifyTableItems(snapshot.tableItems ?? []);
  const infoByKey = new Map<string, string>();
  for (const item of items) {
    const key = stateKeyOfLockId(item.lockId, backend.bucket);
    if (key !== null && item.info !== null) infoByKey.set(key, item.info);
  }

  const lockfileObjects = (snapshot.objects ?? []).flatMap((object) => {
    const key = stateKeyOfLockfile(object.key);
    return key === null ? [] : [{ object, key }];
  });
  const lockfiles = await mapLimit(lockfileObjects, READ_CONCURRENCY, async ({ object, key }) => {
    // Dual-mode fast path: Terraform writes the same JSON to both sides, and a single-PUT ETag is
    // the MD5 of the body, so a matching DynamoDB Info means there is nothing more to download.
    const info = infoByKey.get(key);
    if (info !== undefined && md5Hex(info) === object.etag) {
      return { key, etag: object.etag, lastModified: object.lastModified, body: info } satisfies LockfileRecord;
    }
    return readLockfile(backend, object, key);
  });

  const locks = mergeLocks(lockContext(backend, nowMs), items, lockfiles.filter((l): l is LockfileRecord => l !== null));
  await recogniseFreezes(backend, locks);
  await attachLiveness(backend, snapshot, locks, nowMs);
  const errors = [snapshot.tableError, snapshot.bucketError].filter((e): e is AppError => e !== null).map((e) => e.toJson());
  return { locks, fetchedAt: snapshot.fetchedAt, errors, notices: snapshot.notices };
}

/**
 * A lock with the freeze marks is shown as Lockboard's freeze only when its signed marker vouches for
 * it (any lock writer can write the marks); otherwise it is an ordinary lock with the problem
 * `unverified_freeze`, which bulk unlock may offer.
 */
async function recogniseFreezes(backend: BackendConfig, locks: Lock[]): Promise<void> {
  const marked = locks.filter((l) => freezeMarksOf(l) !== null);
  await mapLimit(marked, READ_CONCURRENCY, async (lock) => {
    if (await isVerifiedFreeze(backend, lock)) lock.freezeVerified = true;
    else lock.problems.push('unverified_freeze');
  });
}
