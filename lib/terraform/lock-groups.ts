/**
 * Incident triage: which live locks one run most likely left behind. A killed `run-all` or monorepo
 * pipeline leaves many locks with the same `Who` and `Operation`, created within seconds of each
 * other, possibly across backends. Pure: the caller passes the locks it listed.
 *
 * Rule: same `Who` + same `Operation`, and `Created` within `windowMs` of the group's FIRST lock (a
 * fixed window, not a chain: a lock every 90 s for an hour is not "one run"). A lock whose `Created`
 * cannot be read is never grouped with anything (unknown is shown as unknown).
 */
import { parseRfc3339 } from './lock-info';

export const DEFAULT_GROUP_WINDOW_MS = 2 * 60_000;

/** The fields grouping and the free-text search look at (a listed lock plus its backend). */
export interface GroupableLock {
  backendId: string;
  key: string;
  path: string;
  workspace: string;
  id: string;
  who: string;
  operation: string;
  created: string;
  ageSeconds: number | null;
}

export interface LockGroup<T extends GroupableLock> {
  /** Stable within one listing: who, operation and the first lock's Created. */
  id: string;
  who: string;
  operation: string;
  count: number;
  locks: T[];
  /** Earliest and latest `Created` (RFC 3339 as stored; '' when unknown). */
  firstCreated: string;
  lastCreated: string;
  /** Age range in seconds (null when unknown). */
  oldestAgeSeconds: number | null;
  newestAgeSeconds: number | null;
  backendIds: string[];
  paths: string[];
}

function makeGroup<T extends GroupableLock>(locks: T[]): LockGroup<T> {
  const first = locks[0]!;
  const last = locks[locks.length - 1]!;
  const ages = locks.map((l) => l.ageSeconds).filter((a): a is number => a !== null);
  return {
    id: `${first.who}\u0000${first.operation}\u0000${first.created}\u0000${first.backendId}\u0000${first.key}`,
    who: first.who,
    operation: first.operation,
    count: locks.length,
    locks,
    firstCreated: first.created,
    lastCreated: last.created,
    oldestAgeSeconds: ages.length ? Math.max(...ages) : null,
    newestAgeSeconds: ages.length ? Math.min(...ages) : null,
    backendIds: [...new Set(locks.map((l) => l.backendId))].sort(),
    paths: locks.map((l) => l.path),
  };
}

/**
 * Groups locks; every lock is in exactly one group (a lone lock is a group of one). Groups come
 * largest first, then oldest first; locks inside a group by `Created`, then path.
 */
export function groupLocks<T extends GroupableLock>(locks: readonly T[], windowMs = DEFAULT_GROUP_WINDOW_MS): LockGroup<T>[] {
  const byHolder = new Map<string, Array<{ lock: T; t: number }>>();
  const groups: LockGroup<T>[] = [];
  for (const lock of locks) {
    const t = parseRfc3339(lock.created);
    if (t === null) {
      groups.push(makeGroup([lock]));
      continue;
    }
    const k = `${lock.who}\u0000${lock.operation}`;
    const list = byHolder.get(k) ?? [];
    list.push({ lock, t });
    byHolder.set(k, list);
  }
  for (const list of byHolder.values()) {
    list.sort((a, b) => a.t - b.t || a.lock.path.localeCompare(b.lock.path));
    let current: T[] = [];
    let start = 0;
    for (const { lock, t } of list) {
      if (current.length > 0 && t - start > windowMs) {
        groups.push(makeGroup(current));
        current = [];
      }
      if (current.length === 0) start = t;
      current.push(lock);
    }
    if (current.length > 0) groups.push(makeGroup(current));
  }
  return groups.sort((a, b) => b.count - a.count || (b.oldestAgeSeconds ?? -1) - (a.oldestAgeSeconds ?? -1) || a.id.localeCompare(b.id));
}

/**
 * The free-text search of every lock view: each whitespace-separated term must appear
 * (case-insensitively) in the path, workspace, holder, operation or lock ID.
 */
export function matchesLockSearch(lock: Pick<GroupableLock, 'path' | 'workspace' | 'who' | 'operation' | 'id'> & { backendName?: string }, query: string): boolean {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const hay = [lock.path, lock.workspace, lock.who, lock.operation, lock.id, lock.backendName ?? ''].join('\n').toLowerCase();
  return terms.every((t) => hay.includes(t));
}

/** Parses the `window` URL parameter (minutes, 0.25–60); anything else is the default. */
export function groupWindowMs(param: string | null): number {
  const minutes = param === null ? NaN : Number(param);
  return Number.isFinite(minutes) && minutes >= 0.25 && minutes <= 60 ? minutes * 60_000 : DEFAULT_GROUP_WINDOW_MS;
}
