import 'server-only';
/**
 * A freeze's marker: the signed object that proves a lock with the freeze marks is Lockboard's own
 * (lib/terraform/freeze-lock.ts). Written before the freeze lock is taken; read (bounded, cached) when
 * locks are listed and before a freeze is released. Stored in the audit bucket when one is configured
 * (Terraform roles should not be able to write there), else in the backend's bucket.
 */
import { getCappedObject, putJsonObject } from '../aws/lockboard-objects';
import { cachedRead, invalidate } from '../server/cache';
import { getConfig, type BackendConfig } from '../server/config';
import { signJson, verifyJson } from '../server/signing';
import { freezeMarkerJson, freezeMarkerKey, freezeMarksOf, markerVouchesFor } from '../terraform/freeze-lock';
import type { LockInfo } from '../terraform/lock-info';

/** A marker is a few hundred bytes; a bigger object is not one. */
const MAX_MARKER_BYTES = 8 * 1024;
/** A verdict cannot change for a given lock (its marker is written before the lock exists). */
const VERDICT_TTL_MS = 10 * 60_000;

function markerBucket(backend: BackendConfig): string {
  return getConfig().auditBucket ?? backend.bucket;
}

/** Writes the marker of the freeze lock `info` on `key`. Throws a typed error when it cannot be stored. */
export async function writeFreezeMarker(backend: BackendConfig, key: string, info: LockInfo): Promise<void> {
  const objectKey = freezeMarkerKey(backend.id, info.id);
  if (objectKey === null) throw new Error(`freeze lock ID ${info.id} is not a UUID`);
  await putJsonObject(backend, markerBucket(backend), objectKey, signJson('freeze-marker', objectKey, freezeMarkerJson(backend.id, key, info)));
}

/**
 * True when `lock` carries the freeze marks AND Lockboard's signed marker vouches for exactly it. A
 * marker that cannot be read (access denied, a timeout) counts as missing now and is asked again next time.
 */
export async function isVerifiedFreeze(backend: BackendConfig, lock: LockInfo & { key: string }): Promise<boolean> {
  if (freezeMarksOf(lock) === null) return false;
  const objectKey = freezeMarkerKey(backend.id, lock.id);
  if (objectKey === null) return false;
  const bucket = markerBucket(backend);
  const fingerprint = [bucket, objectKey, lock.key, lock.operation, lock.who, lock.info, lock.created, lock.version, lock.path].join('\u0000');
  const verdict = cachedRead('freeze-marker', fingerprint, VERDICT_TTL_MS, async () => {
    const read = await getCappedObject(backend, bucket, objectKey, MAX_MARKER_BYTES);
    if (read.status !== 'ok') return false;
    const { verification, body } = verifyJson('freeze-marker', objectKey, read.text);
    return verification === 'signed' && markerVouchesFor(body, backend.id, lock);
  });
  return verdict.catch(() => {
    invalidate('freeze-marker', fingerprint);
    return false;
  });
}
