/**
 * "Is this still the lock the operator saw?" — decided here, once, for both lock mechanisms. Pure:
 * the service hands over what it has just read; the conditional write then enforces the same answer
 * at the store (DynamoDB `Info = :seen`, S3 `If-Match: <etag>`).
 */
import { parseLockInfo } from './lock-info';
import { lockValueSha256, type LockSource } from './locks';

/** One side of a lock as freshly read: the raw value the conditional write will be made against. */
export interface LockSideRead {
  source: LockSource;
  /** DynamoDB: the raw `Info` string (null: attribute missing). S3: the `.tflock` body. */
  raw: string | null;
  /** S3 only: the `.tflock` ETag (quotes stripped). */
  etag?: string;
  /** DynamoDB only: an `Info` that is not a string (number, map, NULL…), as canonical JSON of the attribute. */
  rawJson?: string;
}

/** What the operator saw of one side (from the locks listing's `seen`), when they said. */
export interface SeenSide {
  /** DynamoDB: the exact `Info` string (null: the item had no `Info`). */
  dynamodbInfo?: string | null;
  /** DynamoDB: an `Info` attribute that is not a string, as canonical JSON (the listing's `seen.dynamodbInfoJson`). */
  dynamodbInfoJson?: string;
  /** DynamoDB: the SHA-256 of the `Info` string, for an oversized one (listing's `seen`). */
  dynamodbInfoSha256?: string;
  /** S3: the `.tflock` ETag. */
  lockfileEtag?: string;
}

export type SideVerdict = 'absent' | 'match' | 'changed';

/** The lock ID held by a side (empty when the body is malformed or has no ID). */
export function sideLockId(side: LockSideRead): string {
  return parseLockInfo(side.raw).info.id;
}

/**
 * A side matches when it holds the lock ID the operator named and, when they passed the raw value
 * they saw for that side, exactly that value (a malformed lock with no ID is matched by raw value only).
 */
export function matchSide(side: LockSideRead | null, expectedId: string, seen: SeenSide | undefined): SideVerdict {
  if (side === null) return 'absent';
  if (sideLockId(side) !== expectedId) return 'changed';
  if (side.source === 'dynamodb' && seen && 'dynamodbInfo' in seen && seen.dynamodbInfo !== undefined && seen.dynamodbInfo !== side.raw) return 'changed';
  if (side.source === 'dynamodb' && seen?.dynamodbInfoJson !== undefined && seen.dynamodbInfoJson !== side.rawJson) return 'changed';
  if (side.source === 'dynamodb' && seen?.dynamodbInfoSha256 !== undefined && (side.raw === null || lockValueSha256(side.raw) !== seen.dynamodbInfoSha256)) return 'changed';
  if (side.source === 's3' && seen?.lockfileEtag !== undefined && seen.lockfileEtag !== side.etag) return 'changed';
  return 'match';
}

/** Which sides the operator asked to release: one named side, the sides they saw, or (neither said) any side holding the ID. */
export function targetSides(source: LockSource | undefined, seen: SeenSide | undefined): LockSource[] | 'any' {
  if (source) return [source];
  if (seen) {
    const sides: LockSource[] = [];
    if (('dynamodbInfo' in seen && seen.dynamodbInfo !== undefined) || seen.dynamodbInfoJson !== undefined || seen.dynamodbInfoSha256 !== undefined) sides.push('dynamodb');
    if (seen.lockfileEtag !== undefined) sides.push('s3');
    if (sides.length > 0) return sides;
  }
  return 'any';
}

export type UnlockPlan =
  /** Release these sides (each conditional on its raw value / ETag). */
  | { kind: 'release'; sides: LockSideRead[] }
  /** Nothing of the named lock is left. */
  | { kind: 'gone' }
  /** A side the operator targeted now holds something else: touch nothing. */
  | { kind: 'changed'; changed: LockSource[] };

/**
 * Decides what a force-unlock may do given fresh reads of both sides. Every targeted side must either
 * still hold exactly what the operator saw or be gone already; one that holds anything else refuses
 * the whole request, so a newer lock is never released.
 */
export function planUnlock(reads: LockSideRead[], expectedId: string, source: LockSource | undefined, seen: SeenSide | undefined): UnlockPlan {
  const target = targetSides(source, seen);
  const considered = target === 'any' ? reads : reads.filter((r) => target.includes(r.source));
  const verdicts = considered.map((side) => ({ side, verdict: matchSide(side, expectedId, seen) }));
  const matching = verdicts.filter((v) => v.verdict === 'match').map((v) => v.side);
  if (target === 'any') {
    // Only the ID was given: release the sides holding it; a side holding another lock is not ours.
    if (matching.length > 0) return { kind: 'release', sides: matching };
    const others = verdicts.filter((v) => v.verdict === 'changed').map((v) => v.side.source);
    return others.length > 0 ? { kind: 'changed', changed: others } : { kind: 'gone' };
  }
  const changed = verdicts.filter((v) => v.verdict === 'changed').map((v) => v.side.source);
  if (changed.length > 0) return { kind: 'changed', changed };
  return matching.length > 0 ? { kind: 'release', sides: matching } : { kind: 'gone' };
}
