import 'server-only';
/**
 * Every lock a freeze takes or gives back, in one place (the two-sided Terraform lock itself is
 * services/terraform-lock.ts's `takeLock` / `releaseLock`, shared with restore):
 *
 * - take: `.tflock` with `If-None-Match: *`, then the DynamoDB item with `attribute_not_exists`, in the
 *   backend's lock mode, the same Go-compatible LockInfo on both; an existing lock is never
 *   overwritten, and "already exists" holding this attempt's own ID counts as taken (SDK retry);
 * - release: only a lock that is still a Lockboard freeze with the given ID, each side conditional on
 *   exactly what was just read (DynamoDB `Info = <read>`, `.tflock` `If-Match: <ETag read>`).
 *
 * A freeze is Lockboard's only with its signed marker (lib/services/freeze-marker.ts), written before
 * the lock: a lock that merely carries the freeze marks is never released as a freeze.
 */
import { getTableItem } from '../aws/lock-table';
import { getObjectBytes } from '../aws/state-bucket';
import { AppError } from '../api/errors';
import type { BackendConfig } from '../server/config';
import { freezeMarksOf } from '../terraform/freeze-lock';
import { marshalLockInfo, parseLockInfo, type LockInfo } from '../terraform/lock-info';
import type { Lock } from '../terraform/locks';
import { lockfileKey, lockPath } from '../terraform/paths';
import { isVerifiedFreeze, writeFreezeMarker } from './freeze-marker';
import { releaseLock, takeLock, type HeldLock } from './terraform-lock';

export type TakeFreezeResult = { taken: true; lockId: string } | { taken: false; holder: Lock | null; message: string };

/** Takes the freeze lock `info` on `key`; someone else's lock is an answer (`taken: false`), not an error. */
export async function takeFreezeLock(backend: BackendConfig, key: string, info: LockInfo): Promise<TakeFreezeResult> {
  // The marker first: a freeze lock never exists without the proof that it is Lockboard's.
  await writeFreezeMarker(backend, key, info);
  // The `.tflock` gets the bucket's default encryption: it holds only the LockInfo.
  const result = await takeLock(backend, key, info);
  if (result.taken) return { taken: true, lockId: info.id };
  if (result.reason === 'error') throw result.error;
  const holder = result.holder;
  if (holder && freezeMarksOf(holder) !== null && (await isVerifiedFreeze(backend, holder))) holder.freezeVerified = true;
  const who = holder ? `${holder.who || 'an unknown holder'} (${holder.operation || 'unknown operation'}, ID ${holder.id || 'none'})` : 'someone (the lock was released again while Lockboard looked)';
  return { taken: false, holder, message: `"${key}" is already locked by ${who}: it was not frozen and nothing was changed.` };
}

export type ReleaseFreezeResult = { outcome: 'released'; notes: string[] } | { outcome: 'gone' } | { outcome: 'not_a_freeze'; holder: LockInfo };

interface SideRead {
  raw: string;
  etag: string | null;
}

/** Releases the freeze `id` on `key` if that is still what holds it; anything else is left alone. */
export async function releaseFreezeLock(backend: BackendConfig, key: string, id: string): Promise<ReleaseFreezeResult> {
  const [item, file] = await Promise.all([
    backend.dynamodbTable ? getTableItem(backend, lockPath(backend.bucket, key)) : Promise.resolve(null),
    backend.useLockfile ? getObjectBytes(backend, lockfileKey(key)) : Promise.resolve(null),
  ]);
  const sides: SideRead[] = [];
  if (item !== null && item.digest === null) sides.push({ raw: item.info ?? '', etag: null });
  if (file !== null) sides.push({ raw: new TextDecoder().decode(file.body), etag: file.etag });
  if (sides.length === 0) return { outcome: 'gone' };
  for (const side of sides) {
    const info = parseLockInfo(side.raw).info;
    if (info.id !== id || freezeMarksOf(info) === null || !(await isVerifiedFreeze(backend, { ...info, key }))) return { outcome: 'not_a_freeze', holder: info };
  }
  const info = parseLockInfo(sides[0]!.raw).info;
  const dynamoRaw = item !== null && item.digest === null ? (item.info ?? '') : null;
  const held: HeldLock = { info, json: dynamoRaw ?? marshalLockInfo(info), lockfileEtag: file?.etag ?? null, dynamodb: dynamoRaw !== null };
  const released = await releaseLock(backend, key, held);
  if (!released.released) throw new AppError('aws_error', `The freeze on "${key}" could not be fully released: ${released.notes.join(' ')}`, { backend: backend.id, key, lockId: id });
  return { outcome: 'released', notes: released.notes };
}
