import { describe, expect, it } from 'vitest';
import { digestNeedsRepair, planDigestRepair } from './digest-repair';

const OLD = '0123456789abcdef0123456789abcdef';
const NEW = 'fedcba9876543210fedcba9876543210';

describe('planDigestRepair', () => {
  it('sets the digest to the object MD5 on a mismatch', () => {
    expect(planDigestRepair({ expected: OLD, current: { digest: OLD }, object: { size: 10, md5: NEW.toUpperCase() } })).toEqual({ kind: 'set', digest: NEW });
  });

  it('creates a missing digest when the operator saw none', () => {
    expect(planDigestRepair({ expected: null, current: null, object: { size: 10, md5: NEW } })).toEqual({ kind: 'set', digest: NEW });
  });

  it('replaces a malformed digest', () => {
    expect(planDigestRepair({ expected: 'garbage', current: { digest: 'garbage' }, object: { size: 10, md5: NEW } })).toEqual({ kind: 'set', digest: NEW });
  });

  it('deletes the digest of an orphan or an empty object', () => {
    expect(planDigestRepair({ expected: OLD, current: { digest: OLD }, object: null })).toEqual({ kind: 'delete' });
    expect(planDigestRepair({ expected: OLD, current: { digest: OLD }, object: { size: 0, md5: 'd41d8cd98f00b204e9800998ecf8427e' } })).toEqual({ kind: 'delete' });
  });

  it('refuses when the digest is not what the operator saw', () => {
    expect(planDigestRepair({ expected: OLD, current: { digest: NEW }, object: { size: 1, md5: NEW } })).toEqual({ kind: 'changed', current: NEW });
    expect(planDigestRepair({ expected: OLD, current: null, object: { size: 1, md5: NEW } })).toEqual({ kind: 'changed', current: null });
    expect(planDigestRepair({ expected: null, current: { digest: OLD }, object: { size: 1, md5: NEW } })).toEqual({ kind: 'changed', current: OLD });
    expect(planDigestRepair({ expected: null, current: { digest: null }, object: { size: 1, md5: NEW } })).toEqual({ kind: 'changed', current: null });
  });

  it('has nothing to do when the digest already matches or nothing exists', () => {
    expect(planDigestRepair({ expected: OLD.toUpperCase(), current: { digest: OLD.toUpperCase() }, object: { size: 1, md5: OLD } })).toEqual({ kind: 'nothing', why: 'already_matches' });
    expect(planDigestRepair({ expected: null, current: null, object: null })).toEqual({ kind: 'nothing', why: 'nothing_there' });
  });
});

describe('digestNeedsRepair', () => {
  it('is offered for the statuses Terraform fails on and for a malformed digest', () => {
    expect(digestNeedsRepair({ digestStatus: 'mismatch', digest: 'a' })).toBe(true);
    expect(digestNeedsRepair({ digestStatus: 'orphan', digest: 'a' })).toBe(true);
    expect(digestNeedsRepair({ digestStatus: 'missing', digest: 'not-hex' })).toBe(true);
  });
  it('is not offered when Terraform accepts the state or nothing can be checked', () => {
    expect(digestNeedsRepair({ digestStatus: 'missing', digest: null })).toBe(false);
    expect(digestNeedsRepair({ digestStatus: 'match', digest: 'a' })).toBe(false);
    expect(digestNeedsRepair({ digestStatus: 'unverified', digest: 'a' })).toBe(false);
  });
});
