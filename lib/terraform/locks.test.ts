import { describe, expect, it } from 'vitest';
import { formatRfc3339Nano, marshalLockInfo, type LockInfo } from './lock-info';
import { isStale, lockAgeSeconds, mergeLocks, type LockContext, type LockfileRecord } from './locks';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const ctx: LockContext = { bucket: 'b', workspaceKeyPrefix: 'env:', dualMode: false, staleAfterMinutes: 60, nowMs: NOW };

function info(key: string, over: Partial<LockInfo> = {}, ageMinutes = 5): LockInfo {
  return {
    id: `id-${key}`,
    operation: 'OperationTypeApply',
    info: '',
    who: 'ci@runner',
    version: '1.11.4',
    created: formatRfc3339Nano(NOW - ageMinutes * 60_000),
    path: `b/${key}`,
    ...over,
  };
}

function lockfile(key: string, body: string | null): LockfileRecord {
  return { key, etag: `etag-${key}`, lastModified: null, body, ...(body === null ? { readError: 'AccessDenied' } : {}) };
}

describe('mergeLocks', () => {
  it('merges the same ID on both sides into one lock with both sources and what was read', () => {
    const i = info('app/terraform.tfstate');
    const json = marshalLockInfo(i);
    const locks = mergeLocks({ ...ctx, dualMode: true }, [{ lockId: 'b/app/terraform.tfstate', info: json }], [lockfile('app/terraform.tfstate', json)]);
    expect(locks).toHaveLength(1);
    expect(locks[0]).toMatchObject({ id: i.id, key: 'app/terraform.tfstate', path: 'b/app/terraform.tfstate', sources: ['dynamodb', 's3'], problems: [], workspace: 'default' });
    expect(locks[0]?.seen).toEqual({ dynamodbInfo: json, lockfileEtag: 'etag-app/terraform.tfstate', lockfileBody: json });
  });

  it('splits disagreeing IDs into two flagged entries', () => {
    const key = 'env:/dev/terraform.tfstate';
    const locks = mergeLocks(
      { ...ctx, dualMode: true },
      [{ lockId: `b/${key}`, info: marshalLockInfo(info(key, { id: 'one' })) }],
      [lockfile(key, marshalLockInfo(info(key, { id: 'two' })))],
    );
    expect(locks.map((l) => [l.id, l.sources, l.workspace])).toEqual(
      expect.arrayContaining([
        ['one', ['dynamodb'], 'dev'],
        ['two', ['s3'], 'dev'],
      ]),
    );
    expect(locks.every((l) => l.problems.includes('split_lock'))).toBe(true);
  });

  it('flags a lone side as split only in dual mode', () => {
    const items = [{ lockId: 'b/a.tfstate', info: marshalLockInfo(info('a.tfstate')) }];
    const files = [lockfile('c.tfstate', marshalLockInfo(info('c.tfstate')))];
    expect(mergeLocks(ctx, items, files).flatMap((l) => l.problems)).toEqual([]);
    const dual = mergeLocks({ ...ctx, dualMode: true }, items, files);
    expect(dual.map((l) => l.problems)).toEqual([['split_lock'], ['split_lock']]);
  });

  it('shows locks of another bucket in a shared table, keyed by their LockID', () => {
    const [lock] = mergeLocks(ctx, [{ lockId: 'other/x.tfstate', info: marshalLockInfo(info('x.tfstate', { path: 'other/x.tfstate' })) }], []);
    expect(lock).toMatchObject({ key: 'other/x.tfstate', path: 'other/x.tfstate', problems: ['other_bucket'] });
  });

  it('flags a Path that names another state, unreadable lock files and malformed Info', () => {
    const locks = mergeLocks(
      ctx,
      [
        { lockId: 'b/a.tfstate', info: marshalLockInfo(info('a.tfstate', { path: 'b/elsewhere.tfstate' })) },
        { lockId: 'b/m.tfstate', info: '{oops' },
        { lockId: 'b/n.tfstate', info: null },
      ],
      [lockfile('u.tfstate', null)],
    );
    const byKey = new Map(locks.map((l) => [l.key, l]));
    expect(byKey.get('a.tfstate')?.problems).toEqual(['path_mismatch']);
    expect(byKey.get('m.tfstate')?.problems).toEqual(expect.arrayContaining(['malformed_info', 'missing_id']));
    expect(byKey.get('m.tfstate')?.seen.dynamodbInfo).toBe('{oops');
    expect(byKey.get('n.tfstate')?.problems).toEqual(expect.arrayContaining(['malformed_info', 'missing_id']));
    expect(byKey.get('u.tfstate')?.problems).toEqual(expect.arrayContaining(['unreadable_lockfile', 'missing_id']));
    expect(byKey.get('u.tfstate')?.seen.lockfileBody).toBeNull();
  });

  it('marks stale locks from their age and sorts oldest first', () => {
    const locks = mergeLocks(
      ctx,
      [
        { lockId: 'b/young.tfstate', info: marshalLockInfo(info('young.tfstate', {}, 59)) },
        { lockId: 'b/old.tfstate', info: marshalLockInfo(info('old.tfstate', {}, 60)) },
        { lockId: 'b/undated.tfstate', info: marshalLockInfo(info('undated.tfstate', { created: 'nope' })) },
      ],
      [],
    );
    expect(locks.map((l) => [l.key, l.ageSeconds, l.stale])).toEqual([
      ['old.tfstate', 3600, true],
      ['young.tfstate', 3540, false],
      ['undated.tfstate', null, false],
    ]);
    expect(locks[2]?.problems).toContain('bad_created');
  });
});

describe('age and staleness', () => {
  it('never gives a negative age under clock skew, and null for an unusable Created', () => {
    expect(lockAgeSeconds(formatRfc3339Nano(NOW + 30_000), NOW)).toBe(0);
    expect(lockAgeSeconds('', NOW)).toBeNull();
    expect(lockAgeSeconds(formatRfc3339Nano(NOW - 1500), NOW)).toBe(1);
  });

  it('is stale at exactly the threshold, never when the age is unknown', () => {
    expect(isStale(3600, 60)).toBe(true);
    expect(isStale(3599, 60)).toBe(false);
    expect(isStale(null, 0)).toBe(false);
  });
});
