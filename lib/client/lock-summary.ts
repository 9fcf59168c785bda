/** The locks page's summary bar and its filters: counts by kind, what a filter keeps, age order. Pure. */
import type { Lock } from '@/lib/api/locks';
import { freezeOf } from '@/lib/terraform/freeze-lock';

/** The kinds the summary bar counts and filters by (URL `problem=` takes the two problem codes). */
export const PROBLEM_FILTERS = ['split_lock', 'malformed_info'] as const;
export type ProblemFilter = (typeof PROBLEM_FILTERS)[number];

export function problemFilterOf(param: string | null): ProblemFilter | null {
  return (PROBLEM_FILTERS as readonly string[]).includes(param ?? '') ? (param as ProblemFilter) : null;
}

/** What the summary bar's counts filter by: everything, the stale locks, the freezes, or one problem. */
export type SummaryFilter = 'all' | 'stale' | 'frozen' | ProblemFilter;

type Counted = Pick<Lock, 'stale' | 'problems' | 'operation' | 'who' | 'info'>;

/** Old and not on purpose: a freeze past the stale threshold is a freeze, not a forgotten lock. */
export function isStale(lock: Counted): boolean {
  return lock.stale && !freezeOf(lock);
}

/** Whether a lock is kept by a summary filter. */
export function keptBy(filter: SummaryFilter, lock: Counted): boolean {
  if (filter === 'all') return true;
  if (filter === 'stale') return isStale(lock);
  if (filter === 'frozen') return freezeOf(lock) !== null;
  return lock.problems.includes(filter);
}

/** The filter a page URL names (`stale=1`, `frozen=1`, `problem=<code>`; the problem wins). */
export function summaryFilterOf(params: Pick<URLSearchParams, 'get'>): SummaryFilter {
  return problemFilterOf(params.get('problem')) ?? (params.get('stale') === '1' ? 'stale' : params.get('frozen') === '1' ? 'frozen' : 'all');
}

/** The URL parameters of a filter (the others cleared). */
export function summaryFilterParams(filter: SummaryFilter): Record<'stale' | 'frozen' | 'problem', string | null> {
  return { stale: filter === 'stale' ? '1' : null, frozen: filter === 'frozen' ? '1' : null, problem: filter === 'stale' || filter === 'frozen' || filter === 'all' ? null : filter };
}

export interface LockCounts {
  total: number;
  stale: number;
  frozen: number;
  split: number;
  malformed: number;
}

export function countLocks(locks: ReadonlyArray<Counted>): LockCounts {
  return {
    total: locks.length,
    stale: locks.filter((l) => keptBy('stale', l)).length,
    frozen: locks.filter((l) => keptBy('frozen', l)).length,
    split: locks.filter((l) => keptBy('split_lock', l)).length,
    malformed: locks.filter((l) => keptBy('malformed_info', l)).length,
  };
}

/**
 * Whose locks the counts cover. A backend not read (failing, or still loading) or read in part has
 * locks nobody saw: the counts are of what was read, and those backends are named as unknown.
 */
export interface CountCoverage {
  /** No backend in scope has been read: there is nothing to count. */
  nothingRead: boolean;
  /** Backends (names) in scope whose locks are unknown, wholly or in part. */
  unknown: string[];
  /** Backends (names) in scope shown from their last successful read. */
  lastKnown: string[];
}

export function countCoverage(backends: ReadonlyArray<{ name: string }>, statuses: readonly string[]): CountCoverage {
  const named = (wanted: string[]) => backends.filter((_, i) => wanted.includes(statuses[i] ?? '')).map((b) => b.name);
  return {
    nothingRead: statuses.every((s) => s === 'failed' || s === 'loading'),
    unknown: named(['failed', 'loading', 'partial']),
    lastKnown: named(['stale']),
  };
}

/**
 * Age order, oldest first: a lock whose age is unknown (its Created unreadable) sorts with the oldest,
 * among the stale ones it may well be, never hidden among the fresh.
 */
export function compareAgeOldestFirst(a: Pick<Lock, 'ageSeconds'>, b: Pick<Lock, 'ageSeconds'>): number {
  if (a.ageSeconds === b.ageSeconds) return 0;
  if (a.ageSeconds === null) return -1;
  if (b.ageSeconds === null) return 1;
  return b.ageSeconds - a.ageSeconds;
}
