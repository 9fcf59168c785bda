import { describe, expect, it } from 'vitest';
import type { Lock } from '@/lib/api/locks';
import { freezeLockInfo } from '@/lib/terraform/freeze-lock';
import { compareAgeOldestFirst, countCoverage, countLocks, keptBy, problemFilterOf, summaryFilterOf, summaryFilterParams } from './lock-summary';

const l = (ageSeconds: number | null, stale: boolean, problems: Lock['problems'] = []) => ({ ageSeconds, stale, problems, operation: 'OperationTypeApply', who: 'ci@runner', info: '' });
const info = freezeLockInfo({ bucket: 'b', key: 'k', user: 'ana', reason: 'audit', reviewBy: null, version: '0.1.0', randomBytes: new Uint8Array(16), epochMs: 0, nanos: 0 });
const freeze = (stale: boolean, freezeVerified = true) => ({ ageSeconds: 99_999, stale, problems: [] as Lock['problems'], operation: info.operation, who: info.who, info: info.info, freezeVerified });

describe('countLocks', () => {
  it('counts all, stale, frozen, split and malformed locks', () => {
    expect(countLocks([l(10, false), l(9000, true), l(5, false, ['split_lock']), l(null, false, ['malformed_info', 'missing_id'])])).toEqual({ total: 4, stale: 1, frozen: 0, split: 1, malformed: 1 });
    expect(countLocks([])).toEqual({ total: 0, stale: 0, frozen: 0, split: 0, malformed: 0 });
  });
  it('a freeze counts as frozen, never as stale, however old', () => {
    expect(countLocks([freeze(true), l(9000, true)])).toEqual({ total: 2, stale: 1, frozen: 1, split: 0, malformed: 0 });
    expect(keptBy('frozen', freeze(true))).toBe(true);
    expect(keptBy('stale', freeze(true))).toBe(false);
    // Only the marks, no signed marker: an ordinary (stale) lock.
    expect(countLocks([freeze(true, false)])).toMatchObject({ stale: 1, frozen: 0 });
    expect(keptBy('frozen', l(9000, true))).toBe(false);
  });
});

describe('summary filters in the URL', () => {
  it('round-trip through stale=1, frozen=1 and problem=', () => {
    for (const f of ['all', 'stale', 'frozen', 'split_lock', 'malformed_info'] as const) {
      const params = new URLSearchParams(Object.entries(summaryFilterParams(f)).filter((e): e is [string, string] => e[1] !== null));
      expect(summaryFilterOf(params)).toBe(f);
    }
    expect(summaryFilterOf(new URLSearchParams('frozen=1&problem=split_lock'))).toBe('split_lock');
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
