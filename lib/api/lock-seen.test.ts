/**
 * One `seen` contract (issue 22): the schema every request naming a lock takes is exactly the
 * `seen` that `GET /locks` lists (type and bounds), and both unlock endpoints use it.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { MAX_LOCK_BODY_BYTES, type Lock } from '../terraform/locks';
import { bulkUnlockBodySchema } from './bulk-unlock';
import { lockSeenSchema, MAX_SEEN_LOCK_BYTES, type LockSeen } from './locks';
import { lockRefSchema, unlockBodySchema } from './unlock';

const listed: Lock['seen'] = {
  dynamodbInfo: '{"ID":"a"}',
  dynamodbInfoJson: '42',
  dynamodbInfoSha256: 'a'.repeat(64),
  lockfileEtag: '"0123456789abcdef0123456789abcdef"',
  lockfileBody: '{"ID":"a"}',
};

describe('lock `seen` schema', () => {
  it('is the type /locks lists, both ways', () => {
    expectTypeOf<LockSeen>().toEqualTypeOf<Lock['seen']>();
  });

  it('bounds a raw value as the listing does (a larger one is listed by digest or ETag only)', () => {
    expect(MAX_SEEN_LOCK_BYTES).toBe(MAX_LOCK_BODY_BYTES);
    expect(lockSeenSchema.safeParse({ dynamodbInfo: 'x'.repeat(MAX_SEEN_LOCK_BYTES) }).success).toBe(true);
    expect(lockSeenSchema.safeParse({ dynamodbInfo: 'x'.repeat(MAX_SEEN_LOCK_BYTES + 1) }).success).toBe(false);
    expect(lockSeenSchema.safeParse({ lockfileBody: 'x'.repeat(MAX_SEEN_LOCK_BYTES + 1) }).success).toBe(false);
  });

  it('accepts every field listed and refuses a field it does not know', () => {
    expect(lockSeenSchema.parse(listed)).toEqual(listed);
    const unknown = lockSeenSchema.safeParse({ ...listed, lockfileVersion: 'v1' });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.message).toMatch(/lockfileVersion/);
  });

  it('is what unlock and unlock-many take, with the same rule for a lock without ID', () => {
    const lock = { key: 'a/terraform.tfstate', id: 'abc', seen: listed };
    expect(unlockBodySchema.safeParse({ ...lock, reason: 'r' }).success).toBe(true);
    expect(bulkUnlockBodySchema.safeParse({ reason: 'r', confirmation: 'UNLOCK 1', locks: [lock] }).success).toBe(true);
    // Without ID, a lock is named by a raw value seen; with neither it is refused by both.
    const anonymous = { key: 'a/terraform.tfstate', id: '' };
    expect(lockRefSchema.safeParse({ ...anonymous, seen: { lockfileEtag: 'e' } }).success).toBe(true);
    expect(lockRefSchema.safeParse(anonymous).success).toBe(false);
    expect(unlockBodySchema.safeParse({ ...anonymous, reason: 'r' }).success).toBe(false);
    const bulk = bulkUnlockBodySchema.safeParse({ reason: 'r', confirmation: 'UNLOCK 1', locks: [anonymous] });
    expect(bulk.error?.issues.map((i) => i.path.join('.'))).toEqual(['locks.0.id']);
  });
});
