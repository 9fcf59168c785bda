import { describe, expect, it } from 'vitest';
import { digestConfirmationToken, digestRepairAction } from './digest-repair-dialog';
import { unlockConfirmationMatches, unlockDeletions } from './unlock-dialog';

describe('unlock confirmation', () => {
  const lock = { id: '3a7c2e1f-5b2d-9c4e-1f0a-6d8b7e9c0a12' };
  it('accepts the full ID or exactly its first 8 characters', () => {
    expect(unlockConfirmationMatches(lock, '3a7c2e1f-5b2d-9c4e-1f0a-6d8b7e9c0a12')).toBe(true);
    expect(unlockConfirmationMatches(lock, ' 3a7c2e1f ')).toBe(true);
    expect(unlockConfirmationMatches(lock, '3a7c2e1')).toBe(false);
    expect(unlockConfirmationMatches(lock, '3a7c2e1f-5')).toBe(false);
    expect(unlockConfirmationMatches(lock, '3A7C2E1F')).toBe(false);
    expect(unlockConfirmationMatches(lock, '')).toBe(false);
  });
  it('asks for "unlock" when the lock has no ID', () => {
    expect(unlockConfirmationMatches({ id: '' }, '')).toBe(false);
    expect(unlockConfirmationMatches({ id: '' }, 'Unlock')).toBe(true);
  });
});

describe('digest repair confirmation', () => {
  it('sets the digest of an existing object, deletes it for a missing or empty one', () => {
    expect(digestRepairAction({ size: 120 })).toBe('set');
    expect(digestRepairAction({ size: 0 })).toBe('delete');
    expect(digestRepairAction({ size: null })).toBe('delete');
  });
  it('asks for the first 8 characters of the stored digest, or "repair"', () => {
    expect(digestConfirmationToken({ digest: '0123456789abcdef0123456789abcdef' })).toBe('01234567');
    expect(digestConfirmationToken({ digest: null })).toBe('repair');
  });
});

describe('what a force-unlock deletes', () => {
  const store = { bucket: 'tf-state', dynamodbTable: 'tf-locks' };
  it('names the DynamoDB item (LockID and table) and the .tflock object, only for the sides holding the lock', () => {
    const both = unlockDeletions({ key: 'env:/prod/app.tfstate', sources: ['dynamodb', 's3'] }, store);
    expect(both.map((d) => `${d.what} ${d.where}`)).toEqual([
      'the DynamoDB item LockID = tf-state/env:/prod/app.tfstate in table tf-locks',
      expect.stringMatching(/^the object s3:\/\/tf-state\/env:\/prod\/app\.tfstate\.tflock /),
    ]);
    expect(unlockDeletions({ key: 'a.tfstate', sources: ['s3'] }, store).map((d) => d.side)).toEqual(['s3']);
    expect(unlockDeletions({ key: 'a.tfstate', sources: ['dynamodb'] }, store).map((d) => d.what)).toEqual(['the DynamoDB item LockID = tf-state/a.tfstate']);
  });
});
