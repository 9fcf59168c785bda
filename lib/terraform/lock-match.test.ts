import { describe, expect, it } from 'vitest';
import { marshalLockInfo, EMPTY_LOCK_INFO } from './lock-info';
import { matchSide, planUnlock, targetSides, type LockSideRead } from './lock-match';

const A = marshalLockInfo({ ...EMPTY_LOCK_INFO, id: 'aaaaaaaa-0000-0000-0000-000000000001', who: 'a@h', path: 'b/k' });
const B = marshalLockInfo({ ...EMPTY_LOCK_INFO, id: 'bbbbbbbb-0000-0000-0000-000000000002', who: 'b@h', path: 'b/k' });
const idA = 'aaaaaaaa-0000-0000-0000-000000000001';
const dyn = (raw: string | null): LockSideRead => ({ source: 'dynamodb', raw });
const file = (raw: string | null, etag: string): LockSideRead => ({ source: 's3', raw, etag });

describe('matchSide', () => {
  it('absent, match by ID, changed by ID', () => {
    expect(matchSide(null, idA, undefined)).toBe('absent');
    expect(matchSide(dyn(A), idA, undefined)).toBe('match');
    expect(matchSide(dyn(B), idA, undefined)).toBe('changed');
  });

  it('with a seen raw value the bytes must be identical, not only the ID', () => {
    const sameIdOtherBytes = A.replace('"Who":"a@h"', '"Who":"x@h"');
    expect(matchSide(dyn(sameIdOtherBytes), idA, { dynamodbInfo: A })).toBe('changed');
    expect(matchSide(dyn(A), idA, { dynamodbInfo: A })).toBe('match');
    expect(matchSide(file(A, 'e1'), idA, { lockfileEtag: 'e2' })).toBe('changed');
    expect(matchSide(file(A, 'e1'), idA, { lockfileEtag: 'e1' })).toBe('match');
  });

  it('matches an Info that is not a string by the exact attribute seen (canonical JSON)', () => {
    const typed = (json: string): LockSideRead => ({ source: 'dynamodb', raw: null, rawJson: json });
    expect(matchSide(typed('{"N":"42"}'), '', { dynamodbInfo: null, dynamodbInfoJson: '{"N":"42"}' })).toBe('match');
    expect(matchSide(typed('{"N":"43"}'), '', { dynamodbInfo: null, dynamodbInfoJson: '{"N":"42"}' })).toBe('changed');
    expect(matchSide(dyn(null), '', { dynamodbInfo: null, dynamodbInfoJson: '{"NULL":true}' })).toBe('changed');
    expect(targetSides(undefined, { dynamodbInfoJson: '{"NULL":true}' })).toEqual(['dynamodb']);
  });

  it('matches a malformed lock (no ID) by its raw value only', () => {
    expect(matchSide(dyn('{not json'), '', { dynamodbInfo: '{not json' })).toBe('match');
    expect(matchSide(dyn(null), '', { dynamodbInfo: null })).toBe('match');
    expect(matchSide(dyn('{other'), '', { dynamodbInfo: '{not json' })).toBe('changed');
    expect(matchSide(dyn(null), '', { dynamodbInfo: '{not json' })).toBe('changed');
  });
});

describe('targetSides', () => {
  it('prefers the named source, then the sides seen, else any', () => {
    expect(targetSides('s3', { dynamodbInfo: A })).toEqual(['s3']);
    expect(targetSides(undefined, { dynamodbInfo: A, lockfileEtag: 'e' })).toEqual(['dynamodb', 's3']);
    expect(targetSides(undefined, { dynamodbInfo: null })).toEqual(['dynamodb']);
    expect(targetSides(undefined, {})).toBe('any');
    expect(targetSides(undefined, undefined)).toBe('any');
  });
});

describe('planUnlock', () => {
  it('releases both sides of a dual lock', () => {
    const plan = planUnlock([dyn(A), file(A, 'e')], idA, undefined, { dynamodbInfo: A, lockfileEtag: 'e' });
    expect(plan).toEqual({ kind: 'release', sides: [dyn(A), file(A, 'e')] });
  });

  it('refuses everything when one side the operator saw now holds another lock', () => {
    expect(planUnlock([dyn(B), file(A, 'e')], idA, undefined, { dynamodbInfo: A, lockfileEtag: 'e' })).toEqual({ kind: 'changed', changed: ['dynamodb'] });
  });

  it('releases what is left when a side is already gone', () => {
    expect(planUnlock([file(A, 'e')], idA, undefined, { dynamodbInfo: A, lockfileEtag: 'e' })).toEqual({ kind: 'release', sides: [file(A, 'e')] });
  });

  it('is gone when no targeted side remains', () => {
    expect(planUnlock([], idA, undefined, { dynamodbInfo: A })).toEqual({ kind: 'gone' });
    expect(planUnlock([file(B, 'x')], idA, 'dynamodb', undefined)).toEqual({ kind: 'gone' });
  });

  it('releases one side of a split lock and leaves the other lock alone', () => {
    expect(planUnlock([dyn(A), file(B, 'x')], idA, 'dynamodb', undefined)).toEqual({ kind: 'release', sides: [dyn(A)] });
    expect(planUnlock([dyn(A), file(B, 'x')], idA, undefined, undefined)).toEqual({ kind: 'release', sides: [dyn(A)] });
  });

  it('with only an ID, reports a different holder as changed', () => {
    expect(planUnlock([dyn(B), file(B, 'x')], idA, undefined, undefined)).toEqual({ kind: 'changed', changed: ['dynamodb', 's3'] });
  });
});
