import { describe, expect, it } from 'vitest';
import { orphanLockfileWhy } from './orphan-lockfile';

const orphan = { stale: true, sources: ['s3' as const], problems: [], seen: { lockfileEtag: 'e1' } };

describe('orphanLockfileWhy', () => {
  it('a stale .tflock alone with no state next to it is an orphan', () => {
    expect(orphanLockfileWhy(orphan, false)).toMatch(/no state object/);
  });

  it('a stale .tflock without its DynamoDB side in dual mode is an orphan', () => {
    expect(orphanLockfileWhy({ ...orphan, problems: ['split_lock'] }, true)).toMatch(/without its DynamoDB side/);
  });

  it('a live (not stale) lock is never an orphan, even with no state next to it', () => {
    expect(orphanLockfileWhy({ ...orphan, stale: false }, false)).toBeNull();
  });

  it('a stale .tflock next to its state on a .tflock-only backend is a held lock, not an orphan', () => {
    expect(orphanLockfileWhy(orphan, true)).toBeNull();
  });

  it('a lock with a DynamoDB side, or without an ETag, is not an orphan .tflock', () => {
    expect(orphanLockfileWhy({ ...orphan, sources: ['dynamodb', 's3'] }, false)).toBeNull();
    expect(orphanLockfileWhy({ ...orphan, sources: ['dynamodb'] }, false)).toBeNull();
    expect(orphanLockfileWhy({ ...orphan, seen: {} }, false)).toBeNull();
  });
});
