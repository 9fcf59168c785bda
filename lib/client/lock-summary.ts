/** The locks page's summary bar and its filters: counts by kind, what a filter keeps, age order. Pure. */
import type { Lock } from '@/lib/api/locks';

/** The kinds the summary bar counts and filters by (URL `problem=` takes the two problem codes). */
export const PROBLEM_FILTERS = ['split_lock', 'malformed_info'] as const;
export type ProblemFilter = (typeof PROBLEM_FILTERS)[number];

export function problemFilterOf(param: string | null): ProblemFilter | null {
  return (PROBLEM_FILTERS as readonly string[]).includes(param ?? '') ? (param as ProblemFilter) : null;
}

export interface LockCounts {
  total: number;
  stale: number;
  split: number;
  malformed: number;
}

export function countLocks(locks: ReadonlyArray<Pick<Lock, 'stale' | 'problems'>>): LockCounts {
  return {
    total: locks.length,
    stale: locks.filter((l) => l.stale).length,
    split: locks.filter((l) => l.problems.includes('split_lock')).length,
    malformed: locks.filter((l) => l.problems.includes('malformed_info')).length,
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
