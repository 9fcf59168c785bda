import { describe, expect, it } from 'vitest';
import type { EstateAccount, EstateBackend } from '../api/estate';
import { estatePosture, filterEstate, problemsOf, rollups, statusCounts } from './discovery-rollup';

function backend(over: Partial<EstateBackend>): EstateBackend {
  const b: Omit<EstateBackend, 'problems'> = {
    id: 'b',
    accountId: '111122223333',
    bucket: 'b',
    region: 'eu-west-1',
    dynamodbTable: null,
    useLockfile: true,
    workspaceKeyPrefix: 'env:',
    workspacePrefixSeen: null,
    status: 'watched',
    watch: 'auto',
    decision: null,
    stateCount: 1,
    countsComplete: true,
    evidence: [],
    viewable: true,
    locks: { count: 0, stale: 0 },
    digestProblems: 0,
    readError: null,
    posture: { restore: 'ok', versioningOff: false, historyExpiring: false, noReplication: false },
    ...over,
  };
  return { ...b, problems: problemsOf(b) };
}

function account(id: string, backends: EstateBackend[], outcome: EstateAccount['outcome'] = 'ok'): EstateAccount {
  return { id, name: null, outcome, calls: 5, durationMs: 10, findings: [], backends };
}

describe('estate rollup', () => {
  it('maps posture findings to the three facts, null where not checked', () => {
    const base = { restore: 'ok' as const, versioning: { status: 'ok' as const, value: { status: 'Enabled' } }, lifecycle: { status: 'ok' as const }, replication: { status: 'ok' as const } };
    expect(estatePosture({ ...base, findings: [{ code: 'no_replication' }] })).toEqual({ restore: 'ok', versioningOff: false, historyExpiring: false, noReplication: true });
    expect(estatePosture({ ...base, versioning: { status: 'ok', value: { status: 'Suspended' } }, findings: [{ code: 'noncurrent_expiration' }, { code: 'replication' }] })).toMatchObject({ versioningOff: true, historyExpiring: true, noReplication: false });
    expect(estatePosture({ ...base, versioning: { status: 'not_checked' }, lifecycle: { status: 'not_checked' }, replication: { status: 'not_checked' }, findings: [] })).toMatchObject({ versioningOff: null, historyExpiring: null, noReplication: null });
  });

  it('lists each backend’s problems from what is known', () => {
    expect(backend({ locks: { count: 2, stale: 1 }, digestProblems: 1, posture: { restore: 'impossible', versioningOff: true, historyExpiring: true, noReplication: true } }).problems).toEqual([
      'locked',
      'stale_locks',
      'digest_problems',
      'versioning_off',
      'history_expiring',
      'no_replication',
    ]);
    expect(backend({ status: 'proposed', locks: null, digestProblems: null, posture: null }).problems).toEqual(['proposed']);
    expect(backend({ readError: 'AccessDenied', locks: null }).problems).toEqual(['unreadable']);
  });

  it('rolls up per problem: accounts and backends with it, and watched ones not known yet', () => {
    const accounts = [
      account('1', [backend({ id: 'x', posture: { restore: 'impossible', versioningOff: true, historyExpiring: false, noReplication: false } }), backend({ id: 'y', posture: null })]),
      account('2', [backend({ id: 'z', posture: { restore: 'impossible', versioningOff: true, historyExpiring: false, noReplication: true } })]),
      account('3', [], 'unreadable'),
      account('', [backend({ id: 'configured', posture: { restore: 'impossible', versioningOff: true, historyExpiring: false, noReplication: false } })]),
    ];
    const by = Object.fromEntries(rollups(accounts).map((r) => [r.problem, r]));
    expect(by.versioning_off).toEqual({ problem: 'versioning_off', accounts: 2, backends: 3, unknown: 1 });
    expect(by.no_replication).toMatchObject({ accounts: 1, backends: 1 });
    expect(by.unreadable).toMatchObject({ accounts: 1, backends: 0 });
    expect(statusCounts(accounts)).toEqual({ configured: 0, watched: 4, proposed: 0, ignored: 0, not_seen: 0 });
  });

  it('filters by account, region and problem; an unreadable account stays under "unreadable"', () => {
    const accounts = [account('1', [backend({ id: 'eu' }), backend({ id: 'us', region: 'us-east-1', locks: { count: 1, stale: 1 } })]), account('2', [], 'unreadable')];
    expect(filterEstate(accounts, { account: '2' }).map((a) => a.id)).toEqual(['2']);
    expect(filterEstate(accounts, { region: 'us-east-1' }).flatMap((a) => a.backends.map((b) => b.id))).toEqual(['us']);
    expect(filterEstate(accounts, { problem: 'stale_locks' }).flatMap((a) => a.backends.map((b) => b.id))).toEqual(['us']);
    expect(filterEstate(accounts, { problem: 'unreadable' }).map((a) => a.id)).toEqual(['2']);
    expect(filterEstate(accounts, {}).map((a) => a.id)).toEqual(['1', '2']);
  });
});
