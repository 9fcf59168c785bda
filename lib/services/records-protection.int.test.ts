/**
 * The posture view says whether Lockboard's own records are out of reach of the Terraform roles
 * (issue 21 item 7): audit records in the state bucket without a bucket-policy Deny on Lockboard's
 * prefixes are a warning; a Deny (read from the real bucket policy) or a separate audit bucket is ok.
 */
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearCache } from '../server/cache';
import { useBackends } from '../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { getRecoveryPosture } from './recovery-posture';

const w = new TerraformWriter();
const open = uniqueName('rec-open');
const denied = uniqueName('rec-deny');
const audit = uniqueName('rec-audit');

beforeAll(async () => {
  for (const b of [open, denied, audit]) await w.createBucket(b);
  const resources = ['lockboard-audit', 'lockboard-freezes', 'lockboard-events', 'lockboard-index'].map((p) => `arn:aws:s3:::${denied}/${p}/*`);
  await w.s3.send(
    new PutBucketPolicyCommand({
      Bucket: denied,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'OnlyLockboardWritesItsRecords', Effect: 'Deny', Principal: '*', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: resources, Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/lockboard' } } }],
      }),
    }),
  );
});
afterAll(() => w.destroy());

describe('records protection in the posture', () => {
  it('warns when the audit records share a state bucket that has no Deny on Lockboard’s prefixes', async () => {
    useBackends([{ id: 'open', bucket: open }]);
    const p = await getRecoveryPosture('open', { history: false });
    expect(p.records).toMatchObject({ stateBucket: open, auditBucket: open, separateAuditBucket: false, policy: { status: 'none' }, signingKey: 'per_process' });
    expect(p.records.prefixes.map((x) => [x.prefix, x.denied])).toEqual([
      ['lockboard-audit/open/', false],
      ['lockboard-freezes/open/', false],
      ['lockboard-events/open/', false],
      ['lockboard-index/open/', false],
    ]);
    expect(p.findings.find((f) => f.code === 'records_writable')).toMatchObject({ severity: 'warning', fix: expect.stringContaining(`Deny of s3:PutObject on ${open}/lockboard-audit/open/*`) });
  });

  it('finds the Deny in the bucket policy', async () => {
    process.env.LOCKBOARD_SIGNING_KEY = 'records-protection-test-key-0123456789';
    try {
      useBackends([{ id: 'deny', bucket: denied }]);
      const p = await getRecoveryPosture('deny', { history: false });
      expect(p.records).toMatchObject({ policy: { status: 'read' }, signingKey: 'configured' });
      expect(p.records.prefixes.every((x) => x.denied === true)).toBe(true);
      expect(p.findings.find((f) => f.code === 'records_protected')).toMatchObject({ severity: 'ok' });
    } finally {
      delete process.env.LOCKBOARD_SIGNING_KEY;
    }
  });

  it('with a separate audit bucket, only the claims and the index are in the state bucket', async () => {
    useBackends([{ id: 'sep', bucket: open }], { auditBucket: audit });
    clearCache();
    const p = await getRecoveryPosture('sep', { history: false });
    expect(p.records).toMatchObject({ separateAuditBucket: true, auditBucket: audit });
    expect(p.records.prefixes.map((x) => x.holds)).toEqual(['alert claims', 'the inventory index']);
    expect(p.findings.find((f) => f.code === 'records_writable')).toMatchObject({ severity: 'info', message: expect.stringContaining(`The audit records are in ${audit}`) });
  });
});
