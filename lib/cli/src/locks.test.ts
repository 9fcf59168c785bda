import { describe, expect, it } from 'vitest';
import type { Lock } from '../../api/locks';
import { confirmationMatches, livenessOf, lockFingerprint, locksAt, unlockBodyFor } from './locks';

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
    expect(livenessOf({ ...lock(), liveness: 'alive' } as Lock)).toBe('alive');
    expect(livenessOf({ ...lock(), liveness: { state: 'dead', lastHeartbeat: 'x' } } as Lock)).toBe('dead');
  });
});
