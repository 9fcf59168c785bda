/**
 * A freeze: a real Terraform lock Lockboard takes on purpose, so `terraform plan/apply` stops with
 * Terraform's own "Error acquiring the state lock" and its `Lock Info:` block names who froze the state
 * and why. Pure: the LockInfo written and how a listed lock is recognised as a freeze.
 *
 * Terraform prints Operation, Who and Info as they are and never interprets them (TF locker
 * `LockInfo.String()`), so the values are plain, truthful words:
 *   Operation = "lockboard-freeze"  Who = "<operator> via Lockboard"
 *   Info      = "FROZEN via Lockboard: <reason> (review by 2026-12-04 08:55:31 UTC)"
 * The Operation and the Who suffix together are the marker; nothing else writes them.
 */
import { formatRfc3339Nano, newLockId, type LockInfo } from './lock-info';
import { lockPath } from './paths';
import { formatUtcTime, instantMs } from './time-text';

export const FREEZE_OPERATION = 'lockboard-freeze';
export const FREEZE_WHO_SUFFIX = ' via Lockboard';
export const FREEZE_INFO_PREFIX = 'FROZEN via Lockboard: ';
/** Bound on the reason stored in the lock (Terraform prints it on one line of its error). */
export const FREEZE_REASON_MAX = 500;

export interface FreezeLockInput {
  bucket: string;
  key: string;
  user: string;
  reason: string;
  /** ISO time of the optional expiry reminder (Lockboard never unfreezes by itself). */
  reviewBy: string | null;
  version: string;
  randomBytes: Uint8Array;
  epochMs: number;
  nanos: number;
}

export function freezeLockInfo(input: FreezeLockInput): LockInfo {
  const reason = input.reason.replace(/\s+/g, ' ').trim().slice(0, FREEZE_REASON_MAX);
  // Terraform prints Info to people: the review time in the readable form (freezeOf reads both).
  const reviewBy = input.reviewBy && instantMs(input.reviewBy) !== null ? formatUtcTime(input.reviewBy) : input.reviewBy;
  return {
    id: newLockId(input.randomBytes),
    operation: FREEZE_OPERATION,
    info: `${FREEZE_INFO_PREFIX}${reason}${reviewBy ? ` (review by ${reviewBy})` : ''}`,
    who: `${input.user}${FREEZE_WHO_SUFFIX}`,
    version: input.version,
    created: formatRfc3339Nano(input.epochMs, Math.max(0, Math.min(999_999, Math.floor(input.nanos)))),
    path: lockPath(input.bucket, input.key),
  };
}

export interface FreezeMark {
  frozenBy: string;
  reason: string;
  /** As written in Info: `2026-12-04 08:55:31 UTC`, or an ISO time from before that form. */
  reviewBy: string | null;
}

/** The freeze a listed lock is, or null for any other lock. */
export function freezeOf(lock: Pick<LockInfo, 'operation' | 'who' | 'info'>): FreezeMark | null {
  if (lock.operation !== FREEZE_OPERATION || !lock.who.endsWith(FREEZE_WHO_SUFFIX)) return null;
  let rest = lock.info.startsWith(FREEZE_INFO_PREFIX) ? lock.info.slice(FREEZE_INFO_PREFIX.length) : lock.info;
  let reviewBy: string | null = null;
  const m = / \(review by ([^()]+)\)$/.exec(rest);
  if (m) {
    reviewBy = m[1]!;
    rest = rest.slice(0, m.index);
  }
  return { frozenBy: lock.who.slice(0, -FREEZE_WHO_SUFFIX.length), reason: rest, reviewBy };
}
