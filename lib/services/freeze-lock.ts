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
 */
import { getTableItem } from '../aws/lock-table';
import { getObjectBytes } from '../aws/state-bucket';
import { AppError } from '../api/errors';
import type { BackendConfig } from '../server/config';
import { freezeOf } from '../terraform/freeze-lock';
import { marshalLockInfo, parseLockInfo, type LockInfo } from '../terraform/lock-info';
import type { Lock } from '../terraform/locks';
import { lockfileKey, lockPath } from '../terraform/paths';
import { releaseLock, takeLock, type HeldLock } from './terraform-lock';

export type TakeFreezeResult = { taken: true; lockId: string } | { taken: false; holder: Lock | null; message: string };

/** Takes the freeze lock `info` on `key`; someone else's lock is an answer (`taken: false`), not an error. */
export async function takeFreezeLock(backend: BackendConfig, key: string, info: LockInfo): Promise<TakeFreezeResult> {
  // The `.tflock` gets the bucket's default encryption: it holds only the LockInfo.
  const result = await takeLock(backend, key, info);
  if (result.taken) return { taken: true, lockId: info.id };
  if (result.reason === 'error') throw result.error;
  const holder = result.holder;
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
    if (info.id !== id || freezeOf(info) === null) return { outcome: 'not_a_freeze', holder: info };
  }
  const info = parseLockInfo(sides[0]!.raw).info;
  const dynamoRaw = item !== null && item.digest === null ? (item.info ?? '') : null;
  const held: HeldLock = { info, json: dynamoRaw ?? marshalLockInfo(info), lockfileEtag: file?.etag ?? null, dynamodb: dynamoRaw !== null };
  const released = await releaseLock(backend, key, held);
  if (!released.released) throw new AppError('aws_error', `The freeze on "${key}" could not be fully released: ${released.notes.join(' ')}`, { backend: backend.id, key, lockId: id });
  return { outcome: 'released', notes: released.notes };
}
