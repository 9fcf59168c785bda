/**
 * Turns raw lock records (DynamoDB items and `.tflock` objects) into the lock list a person reads.
 * Pure: the AWS layer hands over what it read, this decides what it means.
 */
import { parseLockInfo, parseRfc3339, type LockInfo } from './lock-info';
import { lockPath, stateKeyOfLockId, workspaceOfKey } from './paths';

export type LockSource = 'dynamodb' | 's3';

export type LockProblem =
  | 'malformed_info'
  | 'missing_id'
  | 'bad_created'
  | 'split_lock'
  | 'path_mismatch'
  | 'other_bucket'
  | 'unreadable_lockfile';

/** A DynamoDB item that is a lock (it has `Info`, or has neither `Info` nor `Digest`). */
export interface DynamoLockRecord {
  lockId: string;
  /** The raw `Info` string, or null when the attribute is missing or not a string. */
  info: string | null;
  /** An `Info` attribute that is not a string, as canonical JSON (so it can be removed by what was seen). */
  infoJson?: string;
}

/** A `<key>.tflock` object. */
export interface LockfileRecord {
  /** The state key it locks (object key without `.tflock`). */
  key: string;
  etag: string;
  lastModified: string | null;
  /** The body, or null when it could not be read (reason in `readError`). */
  body: string | null;
  readError?: string;
}

export interface Lock extends LockInfo {
  key: string;
  workspace: string;
  path: string;
  sources: LockSource[];
  ageSeconds: number | null;
  stale: boolean;
  problems: LockProblem[];
  /** Exactly what was read, so a mutation can be conditional on it. */
  seen: {
    dynamodbInfo?: string | null;
    dynamodbInfoJson?: string;
    lockfileEtag?: string;
    lockfileBody?: string | null;
  };
}

export interface LockContext {
  bucket: string;
  workspaceKeyPrefix: string;
  /** Both mechanisms configured: a lock on one side only is a split lock. */
  dualMode: boolean;
  staleAfterMinutes: number;
  nowMs: number;
}

interface Side {
  info: LockInfo;
  problems: LockProblem[];
}

function readDynamo(record: DynamoLockRecord): Side {
  const parsed = parseLockInfo(record.info);
  return { info: parsed.info, problems: [...parsed.problems] };
}

function readLockfile(record: LockfileRecord): Side {
  if (record.body === null) {
    return { info: parseLockInfo(null).info, problems: ['unreadable_lockfile', 'missing_id'] };
  }
  const parsed = parseLockInfo(record.body);
  return { info: parsed.info, problems: [...parsed.problems] };
}

/** Age in whole seconds, or null when `created` is unusable. Clock skew never gives a negative age. */
export function lockAgeSeconds(created: string, nowMs: number): number | null {
  const t = parseRfc3339(created);
  return t === null ? null : Math.max(0, Math.floor((nowMs - t) / 1000));
}

export function isStale(ageSeconds: number | null, staleAfterMinutes: number): boolean {
  return ageSeconds !== null && ageSeconds >= staleAfterMinutes * 60;
}

function buildLock(ctx: LockContext, key: string, path: string, sides: Side[], sources: LockSource[], extra: LockProblem[], seen: Lock['seen']): Lock {
  const first = sides[0]!;
  const problems = new Set<LockProblem>(extra);
  for (const side of sides) side.problems.forEach((p) => problems.add(p));
  if (first.info.path !== '' && first.info.path !== path) problems.add('path_mismatch');
  const ageSeconds = lockAgeSeconds(first.info.created, ctx.nowMs);
  return {
    ...first.info,
    key,
    workspace: workspaceOfKey(key, ctx.workspaceKeyPrefix),
    path,
    sources,
    ageSeconds,
    stale: isStale(ageSeconds, ctx.staleAfterMinutes),
    problems: [...problems],
    seen,
  };
}

/**
 * Merges both mechanisms: the same ID on both sides is one lock with two sources; disagreeing IDs
 * are two entries flagged `split_lock`; a lone side of a dual-mode backend is flagged `split_lock`.
 * Sorted oldest first (the likeliest to be stale), then by key.
 */
export function mergeLocks(ctx: LockContext, items: DynamoLockRecord[], lockfiles: LockfileRecord[]): Lock[] {
  const byKey = new Map<string, { dynamo?: DynamoLockRecord; file?: LockfileRecord; otherBucket?: boolean }>();
  for (const item of items) {
    const key = stateKeyOfLockId(item.lockId, ctx.bucket);
    // A table shared by several buckets also holds their locks: show them, flagged, keyed by LockID.
    const entryKey = key ?? item.lockId;
    byKey.set(entryKey, { ...byKey.get(entryKey), dynamo: item, otherBucket: key === null });
  }
  for (const file of lockfiles) byKey.set(file.key, { ...byKey.get(file.key), file });

  const locks: Lock[] = [];
  for (const [key, { dynamo, file, otherBucket }] of byKey) {
    const path = otherBucket ? key : lockPath(ctx.bucket, key);
    const extra: LockProblem[] = otherBucket ? ['other_bucket'] : [];
    const dSide = dynamo ? readDynamo(dynamo) : undefined;
    const fSide = file ? readLockfile(file) : undefined;
    const dSeen = dynamo ? { dynamodbInfo: dynamo.info, ...(dynamo.infoJson !== undefined ? { dynamodbInfoJson: dynamo.infoJson } : {}) } : {};
    const fSeen = file ? { lockfileEtag: file.etag, lockfileBody: file.body } : {};
    if (dSide && fSide) {
      const sameLock = dSide.info.id !== '' && dSide.info.id === fSide.info.id;
      if (sameLock) {
        locks.push(buildLock(ctx, key, path, [dSide, fSide], ['dynamodb', 's3'], extra, { ...dSeen, ...fSeen }));
      } else {
        locks.push(buildLock(ctx, key, path, [dSide], ['dynamodb'], [...extra, 'split_lock'], dSeen));
        locks.push(buildLock(ctx, key, path, [fSide], ['s3'], [...extra, 'split_lock'], fSeen));
      }
    } else if (dSide) {
      locks.push(buildLock(ctx, key, path, [dSide], ['dynamodb'], ctx.dualMode ? [...extra, 'split_lock'] : extra, dSeen));
    } else if (fSide) {
      locks.push(buildLock(ctx, key, path, [fSide], ['s3'], ctx.dualMode ? [...extra, 'split_lock'] : extra, fSeen));
    }
  }
  return locks.sort((a, b) => (b.ageSeconds ?? -1) - (a.ageSeconds ?? -1) || a.key.localeCompare(b.key));
}
