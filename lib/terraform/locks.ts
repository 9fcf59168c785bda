/**
 * Turns raw lock records (DynamoDB items and `.tflock` objects) into the lock list a person reads.
 * Pure: the AWS layer hands over what it read, this decides what it means.
 */
import { parseLockInfo, parseRfc3339, type LockInfo } from './lock-info';
import type { LockLiveness } from './liveness';
import { lockPath, stateKeyOfLockId, workspaceOfKey } from './paths';
import { sha256Hex } from './sha256';
import { utf8Bytes } from './utf8';

export type LockSource = 'dynamodb' | 's3';

export type LockProblem =
  | 'malformed_info'
  | 'missing_id'
  | 'bad_created'
  | 'split_lock'
  | 'path_mismatch'
  | 'other_bucket'
  | 'unreadable_lockfile'
  /** A side's raw value is over MAX_LOCK_BODY_BYTES: fields shown cut, the raw value not sent. */
  | 'oversized'
  /** It carries a Lockboard freeze's marks, but no signed freeze marker of Lockboard vouches for it. */
  | 'unverified_freeze';

/**
 * Terraform writes a few hundred bytes of lock info; a raw `Info` or `.tflock` body over this is shown
 * with each field cut to MAX_LOCK_FIELD_CHARS, flagged `oversized`, and never sent in full: `seen`
 * then carries its SHA-256 (`dynamodbInfoSha256`) or only the ETag, which a force-unlock matches.
 */
export const MAX_LOCK_BODY_BYTES = 16 * 1024;
export const MAX_LOCK_FIELD_CHARS = 1024;

/** SHA-256 (hex) of a raw lock value, what `seen` carries instead of an oversized value. */
export function lockValueSha256(raw: string): string {
  return sha256Hex(raw);
}

/** The size in bytes of a raw value when it is over the bound, else null. */
export function oversizedBytes(raw: string | null | undefined): number | null {
  if (typeof raw !== 'string' || raw.length * 3 <= MAX_LOCK_BODY_BYTES) return null;
  const bytes = utf8Bytes(raw);
  return bytes > MAX_LOCK_BODY_BYTES ? bytes : null;
}

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
  /** With problem `oversized`: the size in bytes of the largest oversized side. */
  oversizedBytes?: number;
  /** A Lockboard freeze, proven by its signed marker (set by the server; see terraform/freeze-lock.ts). */
  freezeVerified?: boolean;
  /** Is its holder still running? From `lockboard run` heartbeats (set by the server; terraform/liveness.ts). Absent when the bucket could not be read. */
  liveness?: LockLiveness;
  /** Exactly what was read (an oversized value by its digest only), so a mutation can be conditional on it. */
  seen: {
    dynamodbInfo?: string | null;
    dynamodbInfoJson?: string;
    dynamodbInfoSha256?: string;
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
  oversizedBytes?: number;
}

function cutField(s: string): string {
  return s.length <= MAX_LOCK_FIELD_CHARS ? s : `${s.slice(0, MAX_LOCK_FIELD_CHARS)}…[cut ${s.length - MAX_LOCK_FIELD_CHARS} chars]`;
}

/** Parses a raw value; an oversized one is flagged and its fields cut (the ID too, past 1,024 chars). */
function readRaw(raw: string | null): Side {
  const parsed = parseLockInfo(raw);
  const bytes = oversizedBytes(raw);
  if (bytes === null) return { info: parsed.info, problems: [...parsed.problems] };
  const info = Object.fromEntries(Object.entries(parsed.info).map(([k, v]) => [k, cutField(v)])) as unknown as LockInfo;
  return { info, problems: [...parsed.problems, 'oversized'], oversizedBytes: bytes };
}

function readDynamo(record: DynamoLockRecord): Side {
  return readRaw(record.info);
}

function readLockfile(record: LockfileRecord): Side {
  if (record.body === null) {
    return { info: parseLockInfo(null).info, problems: ['unreadable_lockfile', 'missing_id'] };
  }
  return readRaw(record.body);
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
  const oversized = Math.max(0, ...sides.map((s) => s.oversizedBytes ?? 0));
  return {
    ...first.info,
    key,
    workspace: workspaceOfKey(key, ctx.workspaceKeyPrefix),
    path,
    sources,
    ageSeconds,
    stale: isStale(ageSeconds, ctx.staleAfterMinutes),
    problems: [...problems],
    ...(oversized > 0 ? { oversizedBytes: oversized } : {}),
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
    // An oversized raw value is not repeated on every poll: its digest (DynamoDB) or ETag (S3) identifies it.
    const dSeen = dynamo
      ? dynamo.infoJson !== undefined
        ? { dynamodbInfo: dynamo.info, dynamodbInfoJson: dynamo.infoJson }
        : oversizedBytes(dynamo.info) !== null
          ? { dynamodbInfoSha256: lockValueSha256(dynamo.info!) }
          : { dynamodbInfo: dynamo.info }
      : {};
    const fSeen = file ? (oversizedBytes(file.body) !== null ? { lockfileEtag: file.etag } : { lockfileEtag: file.etag, lockfileBody: file.body }) : {};
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
