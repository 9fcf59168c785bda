/**
 * A freeze: a real Terraform lock Lockboard takes on purpose, so `terraform plan/apply` stops with
 * Terraform's own "Error acquiring the state lock" and its `Lock Info:` block names who froze the state
 * and why. Pure: the LockInfo written and how a listed lock is recognised as a freeze.
 *
 * Terraform prints Operation, Who and Info as they are and never interprets them (TF locker
 * `LockInfo.String()`), so the values are plain, truthful words (control and bidi characters removed:
 * they would reach every blocked user's terminal):
 *   Operation = "lockboard-freeze"  Who = "<operator> via Lockboard"
 *   Info      = "FROZEN via Lockboard: <reason> (review by 2026-12-04 08:55:31 UTC)"
 * The Operation and the Who suffix together are the freeze's marks, but any lock writer can write
 * them. What proves a freeze is Lockboard's is its marker: a signed object
 * `lockboard-freezes/<backend>/<lock ID>.json` holding the exact LockInfo, written before the lock
 * is taken (lib/services/freeze-marker.ts). A lock with the marks and no such marker is an ordinary
 * lock with the problem `unverified_freeze`.
 */
import { formatRfc3339Nano, newLockId, type LockInfo } from './lock-info';
import { lockPath } from './paths';
import { oneLine } from './safe-text';
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
  const reason = oneLine(input.reason).replace(/\s+/g, ' ').trim().slice(0, FREEZE_REASON_MAX);
  // Terraform prints Info to people: the review time in the readable form (freezeOf reads both).
  const reviewBy = input.reviewBy && instantMs(input.reviewBy) !== null ? formatUtcTime(input.reviewBy) : input.reviewBy;
  return {
    id: newLockId(input.randomBytes),
    operation: FREEZE_OPERATION,
    info: `${FREEZE_INFO_PREFIX}${reason}${reviewBy ? ` (review by ${reviewBy})` : ''}`,
    who: `${oneLine(input.user)}${FREEZE_WHO_SUFFIX}`,
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

/**
 * The freeze a listed lock is: only when the server found Lockboard's signed marker for it
 * (`freezeVerified`, set by lib/services/list-locks.ts); null for any other lock, including one that
 * merely carries the marks.
 */
export function freezeOf(lock: Pick<LockInfo, 'operation' | 'who' | 'info'> & { freezeVerified?: boolean }): FreezeMark | null {
  return lock.freezeVerified === true ? freezeMarksOf(lock) : null;
}

/** The freeze a lock claims to be by its marks (Operation and Who suffix), whoever wrote them: not proof. */
export function freezeMarksOf(lock: Pick<LockInfo, 'operation' | 'who' | 'info'>): FreezeMark | null {
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

// ---------------------------------------------------------------- marker

export const FREEZE_MARKER_ROOT = 'lockboard-freezes/';
const MARKER_KIND = 'lockboard-freeze-marker';
const LOCK_INFO_FIELDS = ['id', 'operation', 'info', 'who', 'version', 'created', 'path'] as const;

/** Where the marker of freeze `lockId` is (in the audit bucket, else the backend's); null for an ID no freeze has (Lockboard's IDs are UUIDs). */
export function freezeMarkerKey(backendId: string, lockId: string): string | null {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(lockId)) return null;
  return `${FREEZE_MARKER_ROOT}${encodeURIComponent(backendId)}/${lockId}.json`;
}

/** The marker's JSON (signed by the caller): which backend and state, and exactly the LockInfo written. */
export function freezeMarkerJson(backendId: string, key: string, info: LockInfo): string {
  return JSON.stringify({ kind: MARKER_KIND, backend: backendId, key, lock: Object.fromEntries(LOCK_INFO_FIELDS.map((f) => [f, info[f]])) });
}

/**
 * Whether a (signed, parsed-by-caller) marker vouches for this lock: same backend, same state, and the
 * very LockInfo Lockboard wrote (so an ID copied into another lock, or other words, do not verify).
 */
export function markerVouchesFor(markerJson: string, backendId: string, lock: Pick<LockInfo, (typeof LOCK_INFO_FIELDS)[number]> & { key: string }): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(markerJson);
  } catch {
    return false;
  }
  if (typeof doc !== 'object' || doc === null) return false;
  const m = doc as { kind?: unknown; backend?: unknown; key?: unknown; lock?: Record<string, unknown> };
  if (m.kind !== MARKER_KIND || m.backend !== backendId || m.key !== lock.key || typeof m.lock !== 'object' || m.lock === null) return false;
  return LOCK_INFO_FIELDS.every((f) => m.lock![f] === lock[f]);
}
