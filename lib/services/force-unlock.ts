import 'server-only';
/**
 * Force-unlock: release exactly the lock the operator saw, and nothing newer.
 *
 * Both sides are read fresh (GetItem with ConsistentRead, GetObject of the `.tflock` with its ETag),
 * checked against what the operator saw (lib/terraform/lock-match.ts), then released with a
 * conditional write each: DynamoDB `DeleteItem` if `Info = :<exact string read>`, S3 `DeleteObject`
 * with `If-Match: <ETag read>`. A lock replaced in between fails the condition and survives; the
 * answer is then 409 `lock_changed` with the new holder. The digest item and the state object are
 * never touched.
 *
 * In dual mode the DynamoDB side goes first: Terraform acquires the `.tflock` first, so while that is
 * still held nobody can take a new lock between the two deletes.
 */
import { getTableItem, deleteLockItemIfInfo } from '../aws/lock-table';
import { deleteObjectIfMatch, getObjectBytes } from '../aws/state-bucket';
import { getConfig, type BackendConfig } from '../server/config';
import { AppError } from '../api/errors';
import type { UnlockResult } from '../api/unlock';
import { planUnlock, type LockSideRead, type SeenSide } from '../terraform/lock-match';
import { mergeLocks, type Lock, type LockSource, type LockfileRecord } from '../terraform/locks';
import { lockfileKey, lockPath } from '../terraform/paths';

export interface UnlockInput {
  key: string;
  /** The lock ID the operator saw ('' for a malformed lock, which is then matched by `seen`). */
  id: string;
  /** Release only this side (a split lock's sides are released one at a time). */
  source?: LockSource;
  /** The raw values the operator saw (the lock's `seen` in the locks listing). */
  seen?: SeenSide;
}

export type { UnlockResult } from '../api/unlock';

export interface UnlockHooks {
  /** Test seam: runs after the fresh read and before the conditional deletes (to stage a race). */
  afterRead?: () => Promise<void>;
  /** Adds facts to the audit record. */
  note?: (details: Record<string, unknown>) => void;
}

interface FreshRead {
  dynamodb: LockSideRead | null;
  s3: (LockSideRead & { etag: string; lastModified: string | null }) | null;
}

async function readDynamoSide(backend: BackendConfig, key: string): Promise<LockSideRead | null> {
  if (!backend.dynamodbTable) return null;
  const item = await getTableItem(backend, lockPath(backend.bucket, key));
  // An item with a Digest and no Info is not a lock (cannot happen at a lock's LockID, but be exact).
  if (item === null || (item.info === null && item.digest !== null)) return null;
  return { source: 'dynamodb', raw: item.info };
}

async function readFileSide(backend: BackendConfig, key: string): Promise<FreshRead['s3']> {
  const object = await getObjectBytes(backend, lockfileKey(key));
  if (object === null) return null;
  return { source: 's3', raw: new TextDecoder().decode(object.body), etag: object.etag, lastModified: object.lastModified };
}

async function readBoth(backend: BackendConfig, key: string): Promise<FreshRead> {
  const [dynamodb, s3] = await Promise.all([readDynamoSide(backend, key), readFileSide(backend, key)]);
  return { dynamodb, s3 };
}

/** The lock(s) now on this key, as the locks listing would show them (with their own `seen`). */
function currentLocks(backend: BackendConfig, key: string, read: FreshRead): Lock[] {
  const config = getConfig();
  const lockfiles: LockfileRecord[] = read.s3 ? [{ key, etag: read.s3.etag, lastModified: read.s3.lastModified, body: read.s3.raw }] : [];
  return mergeLocks(
    { bucket: backend.bucket, workspaceKeyPrefix: backend.workspaceKeyPrefix, dualMode: backend.useLockfile && backend.dynamodbTable !== null, staleAfterMinutes: config.staleAfterMinutes, nowMs: Date.now() },
    read.dynamodb ? [{ lockId: lockPath(backend.bucket, key), info: read.dynamodb.raw }] : [],
    lockfiles,
  );
}

function lockChanged(backend: BackendConfig, input: UnlockInput, read: FreshRead, released: LockSource[]): AppError {
  const locks = currentLocks(backend, input.key, read);
  const current = locks.find((l) => l.id !== input.id) ?? locks[0] ?? null;
  const partial = released.length > 0 ? ` The ${released.join(' and ')} side of the old lock was released before the change was seen.` : '';
  return new AppError(
    'lock_changed',
    `The lock on "${input.key}" is no longer the one you saw${current?.id ? `: it is now held by ${current.who || 'an unknown holder'} (ID ${current.id})` : ''}. Nothing newer was touched.${partial}`,
    { backend: backend.id, key: input.key, current, currentLocks: locks, released },
  );
}

function lockGone(backend: BackendConfig, input: UnlockInput): AppError {
  return new AppError('lock_not_found', `There is no lock${input.id ? ` ${input.id}` : ''} on "${input.key}" any more: it was already released.`, { backend: backend.id, key: input.key });
}

export async function forceUnlock(backend: BackendConfig, input: UnlockInput, hooks: UnlockHooks = {}): Promise<UnlockResult> {
  if (input.source === 'dynamodb' && !backend.dynamodbTable) {
    throw new AppError('bad_request', `Backend "${backend.id}" has no DynamoDB table, so there is no DynamoDB lock to release.`, { backend: backend.id });
  }
  const read = await readBoth(backend, input.key);
  hooks.note?.({ read: { dynamodbInfo: read.dynamodb?.raw, lockfileEtag: read.s3?.etag, lockfileBody: read.s3?.raw } });
  const plan = planUnlock([read.dynamodb, read.s3].filter((s): s is LockSideRead => s !== null), input.id, input.source, input.seen);
  if (plan.kind === 'gone') throw lockGone(backend, input);
  if (plan.kind === 'changed') throw lockChanged(backend, input, read, []);

  await hooks.afterRead?.();

  const released: LockSource[] = [];
  const alreadyReleased: LockSource[] = [];
  const order: LockSource[] = ['dynamodb', 's3'];
  for (const side of [...plan.sides].sort((a, b) => order.indexOf(a.source) - order.indexOf(b.source))) {
    if (side.source === 'dynamodb') {
      const outcome = await deleteLockItemIfInfo(backend, lockPath(backend.bucket, input.key), side.raw);
      if (outcome === 'written') {
        released.push('dynamodb');
        continue;
      }
      const now = await readDynamoSide(backend, input.key);
      if (now === null) alreadyReleased.push('dynamodb');
      else throw lockChanged(backend, input, { dynamodb: now, s3: await readFileSide(backend, input.key) }, released);
    } else {
      const outcome = await deleteObjectIfMatch(backend, lockfileKey(input.key), side.etag ?? '');
      if (outcome === 'deleted') {
        released.push('s3');
        continue;
      }
      const now = outcome === 'not_found' ? null : await readFileSide(backend, input.key);
      if (now === null) alreadyReleased.push('s3');
      else throw lockChanged(backend, input, { dynamodb: await readDynamoSide(backend, input.key), s3: now }, released);
    }
  }
  hooks.note?.({ released, alreadyReleased });
  // Everything vanished between the read and the deletes: someone else released it, not us.
  if (released.length === 0) throw lockGone(backend, input);
  return { unlocked: true, key: input.key, id: input.id, sources: released, alreadyReleased };
}
