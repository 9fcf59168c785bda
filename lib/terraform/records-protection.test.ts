import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deniedWrites, recordsFinding, recordsProtection, wildcardMatches } from './records-protection';

const prefixes = [
  { prefix: 'lockboard-audit/prod/', holds: 'audit records' },
  { prefix: 'lockboard-freezes/prod/', holds: 'freeze markers' },
  { prefix: 'lockboard-events/prod/', holds: 'alert claims' },
  { prefix: 'lockboard-index/prod/', holds: 'the inventory index' },
];

const denyPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'AllowTerraform', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/terraform' }, Action: 's3:*', Resource: 'arn:aws:s3:::tf-state/*' },
    {
      Sid: 'OnlyLockboardWritesItsRecords',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:PutObject', 's3:DeleteObject'],
      Resource: ['arn:aws:s3:::tf-state/lockboard-audit/*', 'arn:aws:s3:::tf-state/lockboard-freezes/*', 'arn:aws:s3:::tf-state/lockboard-events/*', 'arn:aws:s3:::tf-state/lockboard-index/*'],
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/lockboard' } },
    },
  ],
});

describe('wildcardMatches', () => {
  it('matches IAM wildcards', () => {
    expect(wildcardMatches('arn:aws:s3:::b/lockboard-*', 'arn:aws:s3:::b/lockboard-audit/x')).toBe(true);
    expect(wildcardMatches('arn:aws:s3:::b/?ockboard-audit/*', 'arn:aws:s3:::b/lockboard-audit/x')).toBe(true);
    expect(wildcardMatches('arn:aws:s3:::b/*.tfstate', 'arn:aws:s3:::b/lockboard-audit/x')).toBe(false);
    expect(wildcardMatches('S3:Put*', 's3:PutObject', true)).toBe(true);
  });

  it('runs in bounded time on a pathological pattern', () => {
    const started = performance.now();
    expect(wildcardMatches(`${'*a'.repeat(200)}b`, 'a'.repeat(2000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('deniedWrites', () => {
  it('finds a Deny of s3:PutObject covering each prefix (s3:*, s3:Put*, a wider resource count too)', () => {
    expect(deniedWrites(denyPolicy, 'tf-state', prefixes.map((p) => p.prefix))).toEqual([true, true, true, true]);
    const wide = JSON.stringify({ Statement: { Effect: 'Deny', Principal: '*', Action: 's3:Put*', Resource: 'arn:aws:s3:::tf-state/lockboard-*' } });
    expect(deniedWrites(wide, 'tf-state', prefixes.map((p) => p.prefix))).toEqual([true, true, true, true]);
  });

  it('does not count an Allow, a Deny of other actions, another bucket or other keys', () => {
    const policies = [
      { Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::tf-state/*' }] },
      { Statement: [{ Effect: 'Deny', Action: 's3:DeleteObjectVersion', Resource: 'arn:aws:s3:::tf-state/*' }] },
      { Statement: [{ Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::other/*' }] },
      { Statement: [{ Effect: 'Deny', Action: 's3:PutObject', Resource: 'arn:aws:s3:::tf-state/lockboard-audit/*' }] },
    ];
    expect(policies.map((p) => deniedWrites(JSON.stringify(p), 'tf-state', ['lockboard-events/prod/'])[0])).toEqual([false, false, false, false]);
    expect(deniedWrites('not json', 'tf-state', ['x/'])).toEqual([false]);
  });
});

describe('recordsFinding', () => {
  const base = { stateBucket: 'tf-state', auditBucket: 'tf-state', prefixes, signingKeyConfigured: true };

  it('warns when the audit records share the state bucket with no Deny', () => {
    const p = recordsProtection({ ...base, policy: { status: 'ok', policy: null } });
    expect(p).toMatchObject({ separateAuditBucket: false, policy: { status: 'none' } });
    expect(p.prefixes.every((x) => x.denied === false)).toBe(true);
    expect(recordsFinding(p)).toMatchObject({ severity: 'warning', code: 'records_writable', fix: expect.stringContaining('Deny of s3:PutObject on tf-state/lockboard-audit/prod/*') });
  });

  it('is ok with the Deny, or with a separate audit bucket; says "not checked" without the permission', () => {
    expect(recordsFinding(recordsProtection({ ...base, policy: { status: 'ok', policy: denyPolicy } }))).toMatchObject({ severity: 'ok', code: 'records_protected' });
    const separate = recordsProtection({ ...base, auditBucket: 'audit', prefixes: prefixes.slice(2), policy: { status: 'not_checked', reason: 'AccessDenied (s3:GetBucketPolicy)' } });
    expect(separate).toMatchObject({ separateAuditBucket: true, policy: { status: 'not_checked' } });
    expect(separate.prefixes.every((x) => x.denied === null)).toBe(true);
    expect(recordsFinding(separate)).toMatchObject({ severity: 'ok', code: 'records_protected', message: expect.stringContaining('in their own bucket audit') });
    expect(recordsFinding(recordsProtection({ ...base, policy: { status: 'not_checked', reason: 'AccessDenied (s3:GetBucketPolicy)' } }))).toMatchObject({ severity: 'info', code: 'records_protection_unknown' });
  });

  it('says when no signing key is configured', () => {
    const f = recordsFinding(recordsProtection({ ...base, auditBucket: 'audit', prefixes: prefixes.slice(2), signingKeyConfigured: false, policy: { status: 'ok', policy: denyPolicy } }));
    expect(f).toMatchObject({ severity: 'warning', message: expect.stringContaining('No signing key is configured') });
  });
});

describe('the bucket policy in docs/iam.md', () => {
  it('is recognised as protecting every prefix of the example bucket', () => {
    const doc = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'iam.md'), 'utf8');
    const section = doc.slice(doc.indexOf("## Protecting Lockboard's records"));
    const policy = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(policy, 'a json block').toBeTruthy();
    const bucketPrefixes = ['lockboard-audit/prod/', 'lockboard-freezes/prod/', 'lockboard-events/prod/', 'lockboard-index/prod/'];
    expect(deniedWrites(policy!, 'acme-tfstate-prod', bucketPrefixes)).toEqual([true, true, true, true]);
  });
});
