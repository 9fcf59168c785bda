import { describe, expect, it } from 'vitest';
import type { Lock } from '@/lib/api/locks';
import { compareAgeOldestFirst, countCoverage, countLocks, problemFilterOf } from './lock-summary';

const l = (ageSeconds: number | null, stale: boolean, problems: Lock['problems'] = []) => ({ ageSeconds, stale, problems });

describe('countLocks', () => {
  it('counts all, stale, split and malformed locks', () => {
    expect(countLocks([l(10, false), l(9000, true), l(5, false, ['split_lock']), l(null, false, ['malformed_info', 'missing_id'])])).toEqual({ total: 4, stale: 1, split: 1, malformed: 1 });
    expect(countLocks([])).toEqual({ total: 0, stale: 0, split: 0, malformed: 0 });
  });
});

describe('countCoverage', () => {
  const backends = [{ name: 'A' }, { name: 'B' }, { name: 'C' }];
  it('names the backends whose locks are unknown (failed, loading, read in part) and those shown as last known', () => {
    expect(countCoverage(backends, ['ok', 'failed', 'stale'])).toEqual({ nothingRead: false, unknown: ['B'], lastKnown: ['C'] });
    expect(countCoverage(backends, ['partial', 'loading', 'ok'])).toEqual({ nothingRead: false, unknown: ['A', 'B'], lastKnown: [] });
  });
  it('says nothing was read when no backend was', () => {
    expect(countCoverage(backends, ['failed', 'loading', 'failed']).nothingRead).toBe(true);
    expect(countCoverage(backends, ['ok', 'ok', 'ok'])).toEqual({ nothingRead: false, unknown: [], lastKnown: [] });
  });
});

describe('problemFilterOf', () => {
  it('accepts only the problem codes the summary filters by', () => {
    expect(problemFilterOf('split_lock')).toBe('split_lock');
    expect(problemFilterOf('malformed_info')).toBe('malformed_info');
    expect(problemFilterOf('missing_id')).toBeNull();
    expect(problemFilterOf(null)).toBeNull();
  });
});

describe('compareAgeOldestFirst', () => {
  it('puts unknown ages with the oldest (stale) locks, not among the fresh', () => {
    const sorted = [l(60, false), l(null, false), l(9000, true), l(5, false)].sort(compareAgeOldestFirst);
    expect(sorted.map((x) => x.ageSeconds)).toEqual([null, 9000, 60, 5]);
  });
});
