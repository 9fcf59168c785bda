import 'server-only';
/**
 * The two-sided Terraform lock, in one place: every use case that reads, takes, checks or releases
 * a lock (force-unlock, restore, and the coming bulk unlock and freeze) goes through here.
 *
 * - read: the DynamoDB item (GetItem, ConsistentRead, as Terraform reads) and the `.tflock` object
 *   (GetObject with its ETag); merged into the `Lock` shape of the locks listing with one context;
 * - take (dual mode): `.tflock` with `If-None-Match: *` first, then the DynamoDB item with
 *   `attribute_not_exists(LockID)`, the same Go-compatible LockInfo JSON on both (Terraform's order);
 *   if the second side fails, the first is given back conditionally. A write answered "already
 *   exists" whose stored lock carries our own ID is our own write retried by the SDK: success;
 * - release: each side conditionally on exactly what we wrote (`Info = <our JSON>`, `If-Match: <our ETag>`);
 * - remove a seen lock: "is it still the lock I saw" is the conditional write itself (`Info = <raw
 *   seen>` or the exact non-string attribute, `If-Match: <ETag seen>`), followed by a re-read that
 *   tells "someone released it" from "someone replaced it".
 */
import { deleteLockItemIfInfo, getTableItem, putLockItemIfAbsent } from '../aws/lock-table';
import { deleteObjectIfMatch, getObjectBytes, putObjectConditionally, type ObjectEncryption } from '../aws/state-bucket';
import { AppError } from '../api/errors';
import { getConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { marshalLockInfo, type LockInfo } from '../terraform/lock-info';
import { sideLockId, type LockSideRead } from '../terraform/lock-match';
import { mergeLocks, type Lock, type LockContext, type LockfileRecord } from '../terraform/locks';
import { lockfileKey, lockPath } from '../terraform/paths';

/** The `.tflock` side as read: its body, ETag and time. */
export type FileSideRead = LockSideRead & { etag: string; lastModified: string | null };

export interface LockSides {
  dynamodb: LockSideRead | null;
  s3: FileSideRead | null;
}

const RELEASE_ATTEMPTS = 3;

/** The context every merge of lock sides uses (listing, 409 answers): one definition. */
export function lockContext(backend: BackendConfig, nowMs = Date.now()): LockContext {
  return {
    bucket: backend.bucket,
    workspaceKeyPrefix: backend.workspaceKeyPrefix,
    dualMode: backend.useLockfile && backend.dynamodbTable !== null,
    staleAfterMinutes: getConfig().staleAfterMinutes,
    nowMs,
  };
}

/** The DynamoDB side of the lock on `key` (null: no lock item, or no table). */
export async function readDynamoSide(backend: BackendConfig, key: string): Promise<LockSideRead | null> {
  if (!backend.dynamodbTable) return null;
  const item = await getTableItem(backend, lockPath(backend.bucket, key));
  // An item with a Digest and no Info is not a lock (cannot happen at a lock's LockID, but be exact).
  if (item === null || (item.info === null && item.infoJson === undefined && item.digest !== null)) return null;
  return { source: 'dynamodb', raw: item.info, ...(item.infoJson !== undefined ? { rawJson: item.infoJson } : {}) };
}

/** The `.tflock` side of the lock on `key` (null: no such object). */
export async function readFileSide(backend: BackendConfig, key: string): Promise<FileSideRead | null> {
  const object = await getObjectBytes(backend, lockfileKey(key));
  if (object === null) return null;
  return { source: 's3', raw: new TextDecoder().decode(object.body), etag: object.etag, lastModified: object.lastModified };
}

export async function readLockSides(backend: BackendConfig, key: string): Promise<LockSides> {
  const [dynamodb, s3] = await Promise.all([readDynamoSide(backend, key), readFileSide(backend, key)]);
  return { dynamodb, s3 };
}

/** The lock(s) these sides make, as the locks listing shows them (with their own `seen`). */
export function locksOf(backend: BackendConfig, key: string, sides: LockSides): Lock[] {
  const lockfiles: LockfileRecord[] = sides.s3 ? [{ key, etag: sides.s3.etag, lastModified: sides.s3.lastModified, body: sides.s3.raw }] : [];
  const items = sides.dynamodb ? [{ lockId: lockPath(backend.bucket, key), info: sides.dynamodb.raw, ...(sides.dynamodb.rawJson !== undefined ? { infoJson: sides.dynamodb.rawJson } : {}) }] : [];
  return mergeLocks(lockContext(backend), items, lockfiles);
}

/** The locks on `key` now, best effort (a side that cannot be read counts as absent): for a 409 answer. */
export async function locksNow(backend: BackendConfig, key: string): Promise<Lock[]> {
  const [dynamodb, s3] = await Promise.all([readDynamoSide(backend, key).catch(() => null), readFileSide(backend, key).catch(() => null)]);
  return locksOf(backend, key, { dynamodb, s3 });
}

// ---------- removing a lock someone saw (force-unlock, bulk unlock) ----------

/** `removed`: our conditional delete did it; `gone`: already released by someone else; `changed`: another lock is there. */
export type RemoveOutcome = 'removed' | 'gone' | 'changed';

/** Deletes one side only if it still holds exactly what was read. */
export async function removeSeenSide(backend: BackendConfig, key: string, side: LockSideRead): Promise<RemoveOutcome> {
  if (side.source === 'dynamodb') {
    const outcome = await deleteLockItemIfInfo(backend, lockPath(backend.bucket, key), side.rawJson !== undefined ? { json: side.rawJson } : side.raw);
    if (outcome === 'written') return 'removed';
    return (await readDynamoSide(backend, key)) === null ? 'gone' : 'changed';
  }
  const outcome = await deleteObjectIfMatch(backend, lockfileKey(key), side.etag ?? '');
  if (outcome === 'deleted') return 'removed';
  if (outcome === 'not_found') return 'gone';
  return (await readFileSide(backend, key)) === null ? 'gone' : 'changed';
}

// ---------- taking and releasing our own lock (restore, freeze) ----------

export interface HeldLock {
  info: LockInfo;
  /** The exact JSON written on both sides. */
  json: string;
  /** ETag of our `.tflock`, null when the backend does not use lock files. */
  lockfileEtag: string | null;
  dynamodb: boolean;
}

export interface ReleaseOutcome {
  released: boolean;
  notes: string[];
  /** Whether there was anything of ours to give back (false: nothing had been taken yet). */
  held: boolean;
}

export type TakeResult =
  | { taken: true; held: HeldLock }
  /** Someone else holds (or left) a lock; what we had taken was given back (`gaveBack`). */
  | { taken: false; reason: 'held'; locks: Lock[]; holder: Lock | null; gaveBack: ReleaseOutcome }
  /** A store failed; what we had taken was given back (`gaveBack`). */
  | { taken: false; reason: 'error'; error: AppError; gaveBack: ReleaseOutcome };

const asAppError = (e: unknown): AppError => toAppError(e, 'lock operation failed unexpectedly');

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries one call on thrown errors; a failed condition is an answer, not an error. */
async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let i = 0; i < RELEASE_ATTEMPTS; i++) {
    try {
      return await call();
    } catch (e) {
      last = e;
      await sleep(200 * (i + 1));
    }
  }
  throw last;
}

/**
 * Takes a real Terraform lock on every mechanism the backend uses, with the same LockInfo on both.
 * `.tflock` first, as Terraform does, so a DynamoDB-only client racing us still sees the item fail.
 */
export async function takeLock(backend: BackendConfig, key: string, info: LockInfo, opts: { encryption?: ObjectEncryption } = {}): Promise<TakeResult> {
  const held: HeldLock = { info, json: marshalLockInfo(info), lockfileEtag: null, dynamodb: false };
  const busy = async (): Promise<TakeResult> => {
    const gaveBack = await releaseLock(backend, key, held);
    const locks = (await locksNow(backend, key)).filter((l) => l.id !== info.id);
    return { taken: false, reason: 'held', locks, holder: locks[0] ?? null, gaveBack };
  };
  try {
    if (backend.useLockfile) {
      const put = await putObjectConditionally(backend, lockfileKey(key), held.json, { condition: { ifNoneMatch: true }, contentType: 'application/json', encryption: opts.encryption ?? { serverSideEncryption: null, kmsKeyId: null } });
      if (put.result === 'written') held.lockfileEtag = put.etag;
      else {
        // "Already exists": ours if the SDK retried a write that had landed.
        const now = await readFileSide(backend, key);
        if (now === null || sideLockId(now) !== info.id) return await busy();
        held.lockfileEtag = now.etag;
      }
    }
    if (backend.dynamodbTable) {
      const outcome = await putLockItemIfAbsent(backend, lockPath(backend.bucket, key), held.json);
      if (outcome === 'condition_failed') {
        const now = await readDynamoSide(backend, key);
        if (now === null || now.raw !== held.json) return await busy();
      }
      held.dynamodb = true;
    }
  } catch (e) {
    return { taken: false, reason: 'error', error: asAppError(e), gaveBack: await releaseLock(backend, key, held) };
  }
  return { taken: true, held };
}

/**
 * Gives back exactly our lock: DynamoDB `DeleteItem` if `Info` is still our JSON, `.tflock`
 * `DeleteObject` if its ETag is still ours (a delete marker in a versioned bucket, as Terraform's
 * own unlock leaves). A failed condition with nothing there is our own retried delete; with another
 * lock there, that lock is someone else's and is left alone.
 */
export async function releaseLock(backend: BackendConfig, key: string, held: HeldLock): Promise<ReleaseOutcome> {
  const notes: string[] = [];
  let released = true;
  if (held.dynamodb) {
    try {
      const outcome = await withRetries(() => deleteLockItemIfInfo(backend, lockPath(backend.bucket, key), held.json));
      if (outcome === 'condition_failed' && (await readDynamoSide(backend, key)) !== null) {
        notes.push("The DynamoDB lock item was no longer Lockboard's (someone removed or replaced it); it was left alone.");
      }
    } catch (e) {
      released = false;
      notes.push(`The DynamoDB lock item could not be released: ${asAppError(e).message}`);
    }
  }
  if (held.lockfileEtag !== null) {
    const etag = held.lockfileEtag;
    try {
      const outcome = await withRetries(() => deleteObjectIfMatch(backend, lockfileKey(key), etag));
      if (outcome === 'precondition_failed') notes.push("The .tflock object was no longer Lockboard's (someone replaced it); it was left alone.");
    } catch (e) {
      released = false;
      notes.push(`The .tflock object could not be released: ${asAppError(e).message}`);
    }
  }
  return { released, notes, held: held.dynamodb || held.lockfileEtag !== null };
}

