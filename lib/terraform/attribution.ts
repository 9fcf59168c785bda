/**
 * Who wrote a state version, from the `.tflock` history of a versioned bucket (protocol reference
 * §5): every old version of `<key>.tflock` is a lock acquired at its LastModified, whose LockInfo
 * body names the holder; the next entry of the `.tflock` history (its delete marker, or a newer
 * version) is the release. A state version written inside [acquired, released] was written by that
 * holder. Anything else is honestly unknown. Pure: no I/O.
 */
import { parseLockInfo } from './lock-info';
import { RESTORE_OPERATION } from './restore-rules';

/** One entry of a key's version history (a version or a delete marker). */
export interface VersionEntry {
  versionId: string;
  lastModified: string | null;
  deleteMarker: boolean;
  isLatest?: boolean;
}

export interface LockHolder {
  /** Lock ID (LockInfo.ID). */
  id: string;
  who: string;
  operation: string;
  version: string;
  created: string;
  /** The `.tflock` version that recorded this lock. */
  lockVersionId: string;
}

/**
 * `lock`: written while exactly one lock was held; `lock_likely`: several locks share the write's
 * second and Terraform's order of operations singles one out; `lock_nearby`: just outside one
 * lock's window (within the clock tolerance); `ambiguous`: several locks fit (same-second timestamps);
 * `unreadable`: the lock's body could not be read or parsed; `no_lock_held`: the `.tflock` history
 * covers the write and shows no lock at that time (only claimed for a backend that locks with lock
 * files); `none`: no lock history covers it (none at all, or it starts later), so nothing is known;
 * `delete_marker`: a delete marker, which records no writer; `lockboard_restore`: written by a
 * Lockboard restore, whose operator the version's own metadata names; `digest_mismatch`: the content
 * fails the digest Terraform recorded, so no Terraform run that keeps the digest wrote it, whatever
 * lock was held (see withDigestEvidence; never produced from the lock history alone).
 */
export type AttributionBasis = 'lock' | 'lock_likely' | 'lock_nearby' | 'ambiguous' | 'unreadable' | 'no_lock_held' | 'none' | 'delete_marker' | 'lockboard_restore' | 'digest_mismatch';

export interface Attribution {
  writer: LockHolder | null;
  basis: AttributionBasis;
  /** Only with `digest_mismatch`: the holder the lock history pointed to, named but not credited. */
  heldBy?: LockHolder | null;
  /** Only with `digest_mismatch`: the basis the lock history alone gave. */
  lockBasis?: AttributionBasis;
}

export interface AttributionOptions {
  toleranceMs?: number;
  /**
   * The backend locks with `.tflock` files (use_lockfile), so a write inside the recorded history
   * with no lock around it was made with no lock held. Without it (DynamoDB-only locking leaves no
   * history: the item is deleted on release) such a write is `none`, never "no lock held".
   */
  lockfileLocking?: boolean;
}

/** Bases that name the likely writer rather than a certain one (shown with a visible "likely"). */
export const LIKELY_BASES: ReadonlySet<AttributionBasis> = new Set(['lock_likely', 'lock_nearby']);

export interface LockWindow {
  lockVersionId: string;
  acquiredMs: number;
  /** Null while the lock is still held (the newest `.tflock` entry is this version). */
  releasedMs: number | null;
}

/**
 * Both timestamps come from S3's clock, but S3 lists LastModified in whole seconds and a large
 * state's LastModified is when its upload started, while the release is stamped when the delete
 * arrives; different S3 front ends may also disagree by a little. 2 s absorbs that without reaching
 * into the next lock cycle of a busy pipeline. A match that needed the tolerance says so
 * (`lock_nearby`), and an exact match always wins over a nearby one.
 */
export const CLOCK_TOLERANCE_MS = 2_000;

function timeOf(entry: VersionEntry): number | null {
  if (entry.lastModified === null) return null;
  const t = Date.parse(entry.lastModified);
  return Number.isNaN(t) ? null : t;
}

interface Timed {
  entry: VersionEntry;
  t: number;
}

/**
 * A `.tflock` history oldest first. S3 timestamps have whole seconds and the SDK returns versions and
 * delete markers as two lists, so entries of one second come in no known order. Within such a tie
 * the history is rebuilt the only way a lock file can evolve under If-None-Match (acquire, release,
 * acquire, …): alternating from whatever the previous second ended with, the entry S3 marks latest
 * last. Versions and delete markers must each be listed newest first (as S3 lists them); how the
 * two lists are concatenated does not matter.
 */
function orderHistory(entries: readonly VersionEntry[]): Timed[] {
  const bySecond = new Map<number, { versions: Timed[]; markers: Timed[] }>();
  entries.forEach((entry) => {
    const t = timeOf(entry);
    if (t === null) return;
    let group = bySecond.get(t);
    if (!group) bySecond.set(t, (group = { versions: [], markers: [] }));
    // unshift: each list arrives newest first, so this leaves them oldest first.
    (entry.deleteMarker ? group.markers : group.versions).unshift({ entry, t });
  });
  const out: Timed[] = [];
  for (const t of [...bySecond.keys()].sort((a, b) => a - b)) {
    const { versions, markers } = bySecond.get(t)!;
    const latest = [...versions, ...markers].find((x) => x.entry.isLatest === true);
    const pool = { versions: versions.filter((x) => x !== latest), markers: markers.filter((x) => x !== latest) };
    let held = out.length > 0 && !out[out.length - 1]!.entry.deleteMarker;
    while (pool.versions.length > 0 || pool.markers.length > 0) {
      const take = held ? (pool.markers.length > 0 ? pool.markers : pool.versions) : pool.versions.length > 0 ? pool.versions : pool.markers;
      const next = take.shift()!;
      out.push(next);
      held = !next.entry.deleteMarker;
    }
    if (latest) out.push(latest);
  }
  return out;
}

/** The lock windows recorded by a `.tflock` history (any order in, oldest first out). */
export function lockWindows(lockEntries: readonly VersionEntry[]): LockWindow[] {
  const timed = orderHistory(lockEntries);
  const windows: LockWindow[] = [];
  timed.forEach((x, i) => {
    if (x.entry.deleteMarker) return;
    const next = timed[i + 1];
    windows.push({ lockVersionId: x.entry.versionId, acquiredMs: x.t, releasedMs: next ? next.t : null });
  });
  return windows;
}

interface Candidates {
  exact: LockWindow[];
  nearby: LockWindow[];
}

/** Windows that cover `t` exactly, else those within the tolerance, nearest first. */
function candidatesAt(t: number, windows: readonly LockWindow[], maxReleasedUpTo: readonly number[], toleranceMs: number): Candidates {
  // Last window acquired at or before t + tolerance (windows are sorted by acquiredMs).
  let lo = 0;
  let hi = windows.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (windows[mid]!.acquiredMs <= t + toleranceMs) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const exact: LockWindow[] = [];
  const nearby: Array<{ w: LockWindow; distance: number }> = [];
  // Walk back while some earlier window could still reach t (prefix maximum of the release times).
  for (let i = last; i >= 0 && maxReleasedUpTo[i]! + toleranceMs >= t; i--) {
    const w = windows[i]!;
    const released = w.releasedMs ?? Number.POSITIVE_INFINITY;
    if (w.acquiredMs <= t && t <= released) exact.push(w);
    else {
      const distance = t < w.acquiredMs ? w.acquiredMs - t : t - released;
      if (distance <= toleranceMs) nearby.push({ w, distance });
    }
  }
  nearby.sort((a, b) => a.distance - b.distance);
  const best = nearby[0];
  // Two windows equally near: no way to choose.
  const nearest = best === undefined ? [] : nearby.filter((n) => n.distance === best.distance).map((n) => n.w);
  return { exact, nearby: nearest };
}

/** Operations that take the lock but never write the state (a plan only reads it). */
const READ_ONLY_OPERATIONS = new Set(['OperationTypePlan']);

/**
 * Several locks contain the write's second (one released and the next acquired within it). Two
 * facts of Terraform's protocol decide when they can: a plan never writes the state, and a run
 * writes its state right before it releases its lock, so a write in the very second one lock is
 * released and another acquired is the releasing run's (the other would have had to lock, plan,
 * apply and persist within the rest of that second). Anything else stays ambiguous.
 */
function resolveSameSecond(t: number, windows: readonly LockWindow[], bodies: ReadonlyMap<string, string | null>): Attribution {
  const holders = windows.map((w) => ({ w, holder: holderOf(w.lockVersionId, bodies.get(w.lockVersionId)) }));
  // An unreadable holder might be the writer: only readable plans are ruled out.
  let remaining = holders.filter((h) => h.holder === null || !READ_ONLY_OPERATIONS.has(h.holder.operation));
  if (remaining.length > 1) {
    const releasing = remaining.filter((h) => h.w.releasedMs === t && h.w.acquiredMs < t);
    // …and only when the others were acquired in that second and held past it (a lock taken and
    // released within the second could itself have written).
    const startingThen = remaining.filter((h) => h.w.acquiredMs === t && (h.w.releasedMs === null || h.w.releasedMs > t));
    if (releasing.length === 1 && releasing.length + startingThen.length === remaining.length) remaining = releasing;
  }
  if (remaining.length !== 1) return { writer: null, basis: 'ambiguous' };
  const writer = remaining[0]!.holder;
  return writer === null ? { writer: null, basis: 'unreadable' } : { writer, basis: 'lock_likely' };
}

function prefixMaxReleased(windows: readonly LockWindow[]): number[] {
  const out: number[] = [];
  let max = Number.NEGATIVE_INFINITY;
  for (const w of windows) {
    max = Math.max(max, w.releasedMs ?? Number.POSITIVE_INFINITY);
    out.push(max);
  }
  return out;
}

/**
 * The `.tflock` versions whose bodies are needed to attribute these state versions: only locks
 * whose window could hold one of them (a plan that wrote nothing needs no read). When several locks
 * share the second of a write, all of them are read (their operations help decide).
 */
export function lockVersionsToRead(stateEntries: readonly VersionEntry[], lockEntries: readonly VersionEntry[], toleranceMs = CLOCK_TOLERANCE_MS): string[] {
  const windows = lockWindows(lockEntries);
  const maxReleased = prefixMaxReleased(windows);
  const needed = new Set<string>();
  for (const entry of stateEntries) {
    if (entry.deleteMarker) continue;
    const t = timeOf(entry);
    if (t === null) continue;
    const c = candidatesAt(t, windows, maxReleased, toleranceMs);
    const chosen = c.exact.length > 0 ? c.exact : c.nearby.length === 1 ? c.nearby : [];
    for (const w of chosen) needed.add(w.lockVersionId);
  }
  return [...needed];
}

/** The holder recorded in a `.tflock` body, or null when it cannot be parsed or has no ID. */
export function holderOf(lockVersionId: string, body: string | null | undefined): LockHolder | null {
  if (body === null || body === undefined) return null;
  const { info, problems } = parseLockInfo(body);
  if (problems.includes('malformed_info') || info.id === '') return null;
  return { id: info.id, who: info.who, operation: info.operation, version: info.version, created: info.created, lockVersionId };
}

/**
 * Attributes each state version (by versionId) to the lock held when it was written. `bodies` maps
 * `.tflock` version IDs to their LockInfo JSON (null when unreadable); see lockVersionsToRead.
 * A delete marker gets no writer: S3 records none, and a lock around it proves nothing.
 */
export function attributeVersions(
  stateEntries: readonly VersionEntry[],
  lockEntries: readonly VersionEntry[],
  bodies: ReadonlyMap<string, string | null>,
  opts: AttributionOptions = {},
): Map<string, Attribution> {
  const toleranceMs = opts.toleranceMs ?? CLOCK_TOLERANCE_MS;
  const windows = lockWindows(lockEntries);
  const maxReleased = prefixMaxReleased(windows);
  // The history is complete from its oldest entry on (lifecycle rules expire the oldest first).
  const historyStart = windows.length > 0 ? windows[0]!.acquiredMs : null;
  const out = new Map<string, Attribution>();
  for (const entry of stateEntries) {
    if (entry.deleteMarker) {
      out.set(entry.versionId, { writer: null, basis: 'delete_marker' });
      continue;
    }
    const t = timeOf(entry);
    if (t === null) {
      out.set(entry.versionId, { writer: null, basis: 'none' });
      continue;
    }
    const c = candidatesAt(t, windows, maxReleased, toleranceMs);
    if (c.exact.length > 1) {
      out.set(entry.versionId, resolveSameSecond(t, c.exact, bodies));
      continue;
    }
    const chosen = c.exact.length > 0 ? c.exact : c.nearby;
    if (chosen.length === 0) {
      const covered = opts.lockfileLocking === true && historyStart !== null && t > historyStart;
      out.set(entry.versionId, { writer: null, basis: covered ? 'no_lock_held' : 'none' });
    } else if (chosen.length > 1) {
      out.set(entry.versionId, { writer: null, basis: 'ambiguous' });
    } else {
      const window = chosen[0]!;
      const writer = holderOf(window.lockVersionId, bodies.get(window.lockVersionId));
      out.set(entry.versionId, writer === null ? { writer: null, basis: 'unreadable' } : { writer, basis: c.exact.length > 0 ? 'lock' : 'lock_nearby' });
    }
  }
  return out;
}

/** What a Lockboard restore recorded on the version it wrote (S3 user metadata). */
export interface RestoreRecord {
  /** The version it restored. */
  from: string;
  /** The operator; null for a restore written before Lockboard recorded it. */
  by: string | null;
  /** The lock ID Lockboard held while writing. */
  lockId: string | null;
}

/**
 * The writer of a version that a Lockboard restore wrote: its operator (from the version's own
 * metadata, which outranks the lock history). The lock holder is kept when the `.tflock` history
 * found Lockboard's own lock (same lock ID); otherwise the holder is built from the metadata alone.
 * A restore that did not record its operator leaves the attribution as it was.
 */
export function withRestoreRecord(attribution: Attribution, record: RestoreRecord | null | undefined): Attribution {
  if (!record || record.by === null || attribution.basis === 'delete_marker') return attribution;
  const lock = attribution.writer !== null && record.lockId !== null && attribution.writer.id === record.lockId ? attribution.writer : null;
  return {
    basis: 'lockboard_restore',
    writer: { id: record.lockId ?? '', who: record.by, operation: lock?.operation ?? RESTORE_OPERATION, version: lock?.version ?? '', created: lock?.created ?? '', lockVersionId: lock?.lockVersionId ?? '' },
  };
}

/** What the digest Terraform recorded says, and about which content: the digest names one. */
export interface DigestEvidence {
  /** ETag of the object the digest was compared with (the current one when the states were listed). */
  etag: string | null;
  /** That content fails the recorded digest (status `mismatch`). */
  fails: boolean;
}

/**
 * Every Terraform run that keeps a digest (one with the lock table) stores the MD5 of what it wrote,
 * so a content that fails the recorded digest was not written by such a run: by hand, by another tool,
 * or by a run configured without the table. A lock held around the write then names no writer (it is
 * kept as `heldBy`, not credited). The evidence covers only the content it was compared with (same
 * ETag); every other version keeps what the lock history says. A delete marker has no content, and a
 * Lockboard restore is named by its own metadata (a restore whose digest update failed is still one).
 */
export function withDigestEvidence(version: { etag: string; deleteMarker: boolean }, attribution: Attribution, evidence: DigestEvidence | null | undefined): Attribution {
  if (!evidence?.fails || evidence.etag === null || version.deleteMarker || version.etag !== evidence.etag) return attribution;
  if (attribution.basis === 'delete_marker' || attribution.basis === 'lockboard_restore' || attribution.basis === 'digest_mismatch') return attribution;
  return { writer: null, basis: 'digest_mismatch', heldBy: attribution.writer, lockBasis: attribution.basis };
}
