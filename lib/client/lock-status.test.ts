import { describe, expect, it } from 'vitest';
import { formatAbsolute } from './time-format';
import type { Lock } from '@/lib/terraform/locks';
import { nextStep } from './error-help';
import { listedLockStatus, stateLockStatus } from './lock-status';

const lock = { key: 'a/terraform.tfstate' } as Lock;
const tableDown = [{ code: 'table_not_found' as const, message: 'DynamoDB table t does not exist.' }];

describe('stateLockStatus (states listing)', () => {
  it('is locked when a lock was found, whatever else failed', () => {
    expect(stateLockStatus({ lock }, { dynamodbTable: 't' }, { errors: tableDown })).toEqual({ status: 'locked' });
  });
  it('is unknown, not free, when the lock table could not be read', () => {
    expect(stateLockStatus({ lock: null }, { dynamodbTable: 't' }, { errors: tableDown })).toEqual({ status: 'unknown', why: 'the lock table t could not be read (table_not_found)' });
  });
  it('is free when everything was read, or the backend has no table (.tflock only)', () => {
    expect(stateLockStatus({ lock: null }, { dynamodbTable: 't' }, { errors: [] })).toEqual({ status: 'free' });
    expect(stateLockStatus({ lock: null }, { dynamodbTable: null }, { errors: [] })).toEqual({ status: 'free' });
  });
});

describe('listedLockStatus (state page)', () => {
  it('never says free for a backend that failed, is still loading, failed again, or was read in part', () => {
    expect(listedLockStatus(null, { status: 'loading', fetchedAt: null, errors: [] }).status).toBe('unknown');
    expect(listedLockStatus(null, { status: 'failed', fetchedAt: null, errors: tableDown }).status).toBe('unknown');
    expect(listedLockStatus(null, { status: 'stale', fetchedAt: '2026-01-02T03:04:05.678Z', errors: tableDown })).toEqual({
      status: 'unknown',
      why: 'the lock could not be read again (DynamoDB table t does not exist.); it was free as of 2026-01-02 03:04:05 UTC.',
    });
    // The read time follows the zone switch when the page passes its formatter.
    const local = listedLockStatus(null, { status: 'stale', fetchedAt: '2026-01-02T03:04:05.678Z', errors: tableDown }, (at) => formatAbsolute(at, 'local', () => 60));
    expect(local).toMatchObject({ why: expect.stringContaining('it was free as of 2026-01-02 04:04:05 UTC+01:00.') });
    expect(listedLockStatus(null, { status: 'partial', fetchedAt: null, errors: [{ code: 'bucket_not_found', message: 'S3 bucket b does not exist.' }] }).status).toBe('unknown');
  });
  it('is free only after a full read', () => {
    expect(listedLockStatus(null, { status: 'ok', fetchedAt: null, errors: [] })).toEqual({ status: 'free' });
    expect(listedLockStatus(lock, { status: 'stale', fetchedAt: null, errors: tableDown })).toEqual({ status: 'locked' });
  });
});

describe('nextStep', () => {
  const backend = { name: 'Prod', region: 'eu-west-1', bucket: 'tf-prod', dynamodbTable: 'tf-locks' };
  it('names the bucket and region for a missing bucket, the table for a missing table', () => {
    expect(nextStep({ code: 'bucket_not_found' }, backend)).toContain('"tf-prod" and the region "eu-west-1"');
    expect(nextStep({ code: 'table_not_found' }, backend)).toContain('"tf-locks"');
  });
  it('names the endpoint and network for an unreachable backend, the IAM actions for access denied', () => {
    expect(nextStep({ code: 'aws_unreachable' }, backend)).toContain('VPC');
    expect(nextStep({ code: 'aws_access_denied', service: 'DynamoDB' }, backend)).toContain('dynamodb:Scan');
    expect(nextStep({ code: 'aws_access_denied', service: 'S3' }, backend)).toContain('s3:ListBucket');
  });
});
