import { describe, expect, it } from 'vitest';
import type { Lock } from '../../api/locks';
import { confirmationMatches, livenessEvidence, livenessOf, lockFingerprint, locksAt, unlockBodyFor } from './locks';

const lock = (over: Partial<Lock> = {}): Lock => ({
  key: 'app/terraform.tfstate',
  workspace: 'default',
  path: 'b/app/terraform.tfstate',
  sources: ['dynamodb', 's3'],
  id: '3a7c2e1f-5b2d-9c4e-1f0a-6d8b7e9c0a12',
  operation: 'OperationTypeApply',
  info: '',
  who: 'runner@ci',
  version: '1.11.4',
  created: '2025-03-04T10:15:30Z',
  ageSeconds: 10,
  stale: false,
  problems: [],
  seen: { dynamodbInfo: '{"ID":"3a7c"}', lockfileEtag: 'e1', lockfileBody: '{"ID":"3a7c"}' },
  ...over,
});

describe('lock helpers', () => {
  it('confirms as the page does: the ID or its first 8 characters; "unlock" for a lock without ID', () => {
    expect(confirmationMatches(lock(), '3a7c2e1f')).toBe(true);
    expect(confirmationMatches(lock(), ' 3a7c2e1f-5b2d-9c4e-1f0a-6d8b7e9c0a12 ')).toBe(true);
    expect(confirmationMatches(lock(), '3a7c2e1')).toBe(false);
    expect(confirmationMatches(lock(), 'yes')).toBe(false);
    expect(confirmationMatches(lock({ id: '' }), 'UNLOCK')).toBe(true);
  });

  it('sends back exactly the raw values read (not the body copy), and the side of a one-sided lock', () => {
    expect(unlockBodyFor(lock(), 'r')).toEqual({ key: 'app/terraform.tfstate', id: '3a7c2e1f-5b2d-9c4e-1f0a-6d8b7e9c0a12', reason: 'r', seen: { dynamodbInfo: '{"ID":"3a7c"}', lockfileEtag: 'e1' } });
    expect(unlockBodyFor(lock({ sources: ['s3'], seen: { lockfileEtag: 'e2' } }), 'r')).toMatchObject({ source: 's3', seen: { lockfileEtag: 'e2' } });
  });

  it('fingerprints what identifies the lock: the same lock read again matches, a replaced one does not', () => {
    expect(lockFingerprint(lock())).toBe(lockFingerprint(lock({ ageSeconds: 99, seen: { lockfileEtag: 'e1', dynamodbInfo: '{"ID":"3a7c"}', lockfileBody: 'other' } })));
    expect(lockFingerprint(lock())).not.toBe(lockFingerprint(lock({ seen: { dynamodbInfo: '{"ID":"3a7c","Who":"x"}', lockfileEtag: 'e1' } })));
    expect(lockFingerprint(lock())).not.toBe(lockFingerprint(lock({ sources: ['dynamodb'] })));
    expect(locksAt([lock(), lock({ key: 'other' })], 'other')).toHaveLength(1);
  });

  it('reads liveness only when the server reports it', () => {
    expect(livenessOf(lock())).toBeNull();
    expect(livenessOf({ ...lock(), liveness: 'alive' } as unknown as Lock)).toBe('alive');
    expect(livenessOf({ ...lock(), liveness: { state: 'dead', lastHeartbeat: 'x' } } as unknown as Lock)).toBe('dead');
  });

  it('prints the liveness evidence in one line', () => {
    const dead = {
      ...lock(),
      liveness: { state: 'dead', reason: 'heartbeat_stopped', lastHeartbeat: '2026-03-04T11:58:00.000Z', heartbeatAgeSeconds: 150, deadSince: '2026-03-04T12:00:00.000Z', holder: { host: 'ci-7', pid: 4242, command: 'terraform apply', state: 'running', intervalSeconds: 15, startedAt: 'x' }, writers: 1, lastStateWrite: null, ageSeconds: 600, longestRunSeconds: 7200, overLongestRun: false, suspicious: [{ objectKey: 'k', problem: 'other_lock' }], aliveWithinSeconds: 45, deadAfterSeconds: 120 },
    } as Lock;
    expect(livenessEvidence(dead)).toBe('heartbeat stopped; last heartbeat 2026-03-04T11:58:00.000Z (150 s ago); process 4242 on ci-7; dead since 2026-03-04T12:00:00.000Z; no state write since the lock; 1 suspicious heartbeat object(s): other_lock');
    expect(livenessEvidence(lock())).toBeNull();
  });
});
