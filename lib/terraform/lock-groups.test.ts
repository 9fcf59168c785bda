import { describe, expect, it } from 'vitest';
import { DEFAULT_GROUP_WINDOW_MS, groupLocks, groupWindowMs, matchesLockSearch, type GroupableLock } from './lock-groups';

function lock(over: Partial<GroupableLock> & { created: string; key: string }): GroupableLock {
  return { backendId: 'b1', path: `bkt/${over.key}`, workspace: 'default', id: `id-${over.key}`, who: 'ci@runner-1', operation: 'OperationTypeApply', ageSeconds: 100, ...over };
}

describe('groupLocks', () => {
  it('puts locks of one run (same Who + Operation, Created within 2 min of the first) in one group, across backends', () => {
    const locks = [
      lock({ key: 'a', created: '2026-01-01T10:00:00Z', ageSeconds: 300 }),
      lock({ key: 'b', created: '2026-01-01T10:00:40.5Z', backendId: 'b2', ageSeconds: 260 }),
      lock({ key: 'c', created: '2026-01-01T10:02:00Z', ageSeconds: 180 }),
      lock({ key: 'late', created: '2026-01-01T10:02:00.001Z', ageSeconds: 179 }),
      lock({ key: 'other-op', created: '2026-01-01T10:00:10Z', operation: 'OperationTypePlan' }),
      lock({ key: 'other-who', created: '2026-01-01T10:00:10Z', who: 'alice@laptop' }),
    ];
    const groups = groupLocks(locks);
    expect(groups[0]!.locks.map((l) => l.key)).toEqual(['a', 'b', 'c']);
    expect(groups.slice(1).map((g) => g.locks.map((l) => l.key)).sort()).toEqual([['late'], ['other-op'], ['other-who']]);
    const first = groups[0]!;
    expect(first).toMatchObject({ who: 'ci@runner-1', operation: 'OperationTypeApply', count: 3, firstCreated: '2026-01-01T10:00:00Z', lastCreated: '2026-01-01T10:02:00Z', oldestAgeSeconds: 300, newestAgeSeconds: 180, backendIds: ['b1', 'b2'], paths: ['bkt/a', 'bkt/b', 'bkt/c'] });
    // Every lock in exactly one group.
    expect(groups.flatMap((g) => g.locks).length).toBe(locks.length);
    expect(groups.find((g) => g.locks[0]!.key === 'late')?.count).toBe(1);
  });

  it('is a fixed window from the first lock, not a chain', () => {
    const locks = [0, 90, 180, 270].map((s, i) => lock({ key: `k${i}`, created: new Date(Date.UTC(2026, 0, 1, 10, 0, s)).toISOString() }));
    expect(groupLocks(locks).map((g) => g.count)).toEqual([2, 2]);
    expect(groupLocks(locks, 10 * 60_000).map((g) => g.count)).toEqual([4]);
  });

  it('never groups a lock whose Created is unreadable', () => {
    const groups = groupLocks([lock({ key: 'x', created: '' }), lock({ key: 'y', created: 'yesterday' }), lock({ key: 'z', created: '' })]);
    expect(groups.map((g) => g.count)).toEqual([1, 1, 1]);
    expect(groups[0]!.oldestAgeSeconds).toBe(100);
  });

  it('handles no locks', () => {
    expect(groupLocks([])).toEqual([]);
  });
});

describe('matchesLockSearch', () => {
  const l = { path: 'bkt/env:/prod/app/terraform.tfstate', workspace: 'prod', who: 'ci@runner-7', operation: 'OperationTypeApply', id: '3a7c2e1f-5b2d', backendName: 'Main' };
  it('matches path, workspace, holder, operation and lock ID, every term, any case', () => {
    expect(matchesLockSearch(l, '')).toBe(true);
    expect(matchesLockSearch(l, 'PROD runner-7')).toBe(true);
    expect(matchesLockSearch(l, '3a7c2e1f')).toBe(true);
    expect(matchesLockSearch(l, 'apply main')).toBe(true);
    expect(matchesLockSearch(l, 'prod staging')).toBe(false);
  });
});

describe('groupWindowMs', () => {
  it('reads minutes from the URL within bounds', () => {
    expect(groupWindowMs(null)).toBe(DEFAULT_GROUP_WINDOW_MS);
    expect(groupWindowMs('5')).toBe(300_000);
    expect(groupWindowMs('0')).toBe(DEFAULT_GROUP_WINDOW_MS);
    expect(groupWindowMs('abc')).toBe(DEFAULT_GROUP_WINDOW_MS);
    expect(groupWindowMs('999')).toBe(DEFAULT_GROUP_WINDOW_MS);
  });
});
