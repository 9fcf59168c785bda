import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Lock, LockSource } from '../terraform/locks';
import { AppError, ERROR_STATUS, isAppError, type ErrorDetails, type RestoreChanged } from './errors';

const lock = { id: 'abc', who: 'ci@runner', key: 'app/terraform.tfstate' } as Lock;

describe('AppError details typed per code', () => {
  it('type-checks the details of each code at construction', () => {
    // Compiles: the documented shapes (tsc --noEmit checks this file).
    new AppError('lock_changed', 'changed', { backend: 'main', key: 'k', current: lock, currentLocks: [lock], released: ['dynamodb'] });
    new AppError('nothing_to_repair', 'already matches', { backend: 'main', key: 'k', calculated: 'a'.repeat(32), digest: 'a'.repeat(32) });
    new AppError('unauthorized', 'who are you');
    new AppError('internal', 'oops');
    new AppError('payload_too_large', 'too big', { limitBytes: 16_384 });
    new AppError('forbidden', 'no', { reason: 'read_only' });

    // @ts-expect-error lock_changed needs its details
    new AppError('lock_changed', 'changed');
    // @ts-expect-error `current` is a Lock or null, not a string
    new AppError('lock_changed', 'changed', { backend: 'main', key: 'k', current: 'abc', currentLocks: [], released: [] });
    // @ts-expect-error `released` lists lock sources
    new AppError('lock_changed', 'changed', { backend: 'main', key: 'k', current: null, currentLocks: [], released: ['dynamo'] });
    // @ts-expect-error nothing_to_repair carries the calculated MD5 and the stored digest
    new AppError('nothing_to_repair', 'already matches', { backend: 'main', key: 'k' });
    // @ts-expect-error unauthorized has no details of its own
    new AppError('unauthorized', 'who are you', { reason: 'read_only' });
    // @ts-expect-error forbidden says why, with one of the known reasons
    new AppError('forbidden', 'no', { reason: 'because' });
    // @ts-expect-error not an error code
    new AppError('teapot', 'no');
  });

  it('narrows details by code, with no cast', () => {
    const error = AppError.fromJson({ error: { code: 'lock_changed', message: 'm', backend: 'main', key: 'k', current: lock, currentLocks: [lock], released: ['s3'] } }, 409);
    if (error.code === 'lock_changed') {
      expectTypeOf(error.details.current).toEqualTypeOf<Lock | null>();
      expectTypeOf(error.details.released).toEqualTypeOf<LockSource[]>();
      expect(error.details.current?.id).toBe('abc');
    } else {
      expect.unreachable('lock_changed expected');
    }
    const other: unknown = error;
    if (other instanceof AppError && other.code === 'digest_not_updated') {
      expectTypeOf(other.details.setDigestTo).toEqualTypeOf<string>();
    }
    // Every code may say what a mutation changed.
    expectTypeOf<ErrorDetails<'aws_error'>['changed']>().toEqualTypeOf<RestoreChanged | undefined>();
  });
});

describe('wire format', () => {
  it('answers {code, message, ...details} and round-trips through fromJson', () => {
    const sent = new AppError('digest_changed', 'look again', { backend: 'main', key: 'k', expected: 'x', current: { digest: 'y', exists: true } });
    const json = sent.toJson();
    expect(json).toEqual({ code: 'digest_changed', message: 'look again', backend: 'main', key: 'k', expected: 'x', current: { digest: 'y', exists: true } });
    const back = AppError.fromJson(JSON.parse(JSON.stringify({ error: json })), 409);
    expect(back).toBeInstanceOf(AppError);
    expect(back.code).toBe('digest_changed');
    expect(back.message).toBe('look again');
    expect(back.status).toBe(409);
    expect(back.details).toEqual(sent.details);
    // The inner object alone is accepted too.
    expect(AppError.fromJson(json).code).toBe('digest_changed');
  });

  it('details never override code and message', () => {
    const e = new AppError('internal', 'real message', { backend: 'main' });
    expect({ ...e.toJson() }).toMatchObject({ code: 'internal', message: 'real message', backend: 'main' });
  });

  it.each([
    [null, 502, 'internal'],
    ['<html>Bad Gateway</html>', 502, 'internal'],
    [{ error: { code: 'teapot', message: 'short and stout' } }, 418, 'bad_request'],
    [{ error: { code: 'locked' } }, 409, 'bad_request'],
    [{ error: { code: 'network_error', message: 'the server cannot say this' } }, 503, 'internal'],
    [{ error: { code: 'toString', message: 'prototype key' } }, 500, 'internal'],
  ])('an unknown body %j (HTTP %i) becomes %s', (body, status, code) => {
    const e = AppError.fromJson(body, status);
    expect(e.code).toBe(code);
    expect(e.message).toBe(`Unexpected response (HTTP ${status}).`);
  });

  it('has a status for every code; the new codes say the right thing', () => {
    expect(ERROR_STATUS.nothing_to_repair).toBe(409);
    expect(ERROR_STATUS.payload_too_large).toBe(413);
    expect(new AppError('network_error', 'x').status).toBe(503);
    for (const status of Object.values(ERROR_STATUS)) expect(status).toBeGreaterThanOrEqual(400);
  });
});

describe('normalising', () => {
  it('AppError.from keeps AppErrors and turns anything else into internal', () => {
    const known = new AppError('locked', 'held', { backend: 'b', key: 'k', holder: null, locks: [] });
    expect(AppError.from(known)).toBe(known);
    const unknown = AppError.from(new Error('secret stack detail'));
    expect(unknown.code).toBe('internal');
    expect(unknown.message).not.toContain('secret');
    expect(isAppError(unknown)).toBe(true);
    expect(isAppError({ code: 'internal', message: 'x' })).toBe(false);
  });

  it('restate keeps code and details and adds what the mutation did', () => {
    const e = new AppError('aws_unreachable', 'S3 cannot be reached.', { backend: 'b', service: 'S3', resource: 'bucket/k', awsError: 'ECONNREFUSED' });
    const changed: RestoreChanged = { objectWritten: false, newVersionId: null, digestUpdated: false, lockTaken: true, lockReleased: true };
    const more = e.restate('S3 cannot be reached. No object was written.', { changed, lockId: 'L1' });
    expect(more.code).toBe('aws_unreachable');
    expect(more.message).toBe('S3 cannot be reached. No object was written.');
    expect(more.details).toEqual({ backend: 'b', service: 'S3', resource: 'bucket/k', awsError: 'ECONNREFUSED', changed, lockId: 'L1' });
    expect(more).toBeInstanceOf(AppError);
  });
});
