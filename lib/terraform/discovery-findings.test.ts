import { describe, expect, it } from 'vitest';
import { budgetFinding, capFindings, foreignBucketFinding, MAX_FINDINGS_PER_CODE, outsideRegionsFinding, partialFinding, regionFinding, resourceFinding, roleFinding } from './discovery-findings';

const denied = { code: 'aws_access_denied', awsError: 'AccessDenied', message: 'STS x: access denied (AccessDenied).' };

describe('discovery findings', () => {
  it('a role that cannot be assumed: missing or not trusting Lockboard, fixed by deploying the template', () => {
    const f = roleFinding('111122223333', 'arn:aws:iam::111122223333:role/lockboard-discovery', { roleName: 'lockboard-discovery', externalId: true }, denied);
    expect(f).toMatchObject({ severity: 'error', code: 'account_unreadable', resource: 'arn:aws:iam::111122223333:role/lockboard-discovery' });
    expect(f.message).toBe("Role arn:aws:iam::111122223333:role/lockboard-discovery could not be assumed (AccessDenied): it does not exist in this account, or its trust policy does not name Lockboard's identity with the configured external ID.");
    expect(f.fix).toContain('Deploy the read-only role "lockboard-discovery"');
    expect(f.fix).toContain('scripts/deploy/discovery-role.yaml');
    expect(roleFinding('1', 'r', { roleName: 'r', externalId: false }, { code: 'aws_unreachable', awsError: 'ECONNREFUSED', message: 'STS cannot be reached' }).fix).toContain('STS is reachable');
  });

  it('a region: a missing permission, or a region that does not exist or is not enabled', () => {
    expect(regionFinding('1', 'eu-west-1', { code: 'aws_access_denied', awsError: 'AccessDeniedException', message: 'denied' }).fix).toContain('Allow dynamodb:ListTables');
    for (const f of [
      { code: 'aws_access_denied', awsError: 'UnrecognizedClientException', message: 'token refused' },
      { code: 'aws_unreachable', awsError: 'ENOTFOUND', message: 'cannot be reached' },
      { code: 'aws_error', awsError: 'InternalError', message: 'HTTP 500' },
    ]) {
      expect(regionFinding('1', 'eu-fake-1', f).fix).toContain('Check that eu-fake-1 exists and is enabled for this account');
    }
  });

  it('tables, buckets, bounds and the decoys have their own words', () => {
    expect(resourceFinding('table', '1', 'eu-west-1', 'locks', 'scan', denied).fix).toContain('dynamodb:Scan (of the LockID attribute)');
    expect(resourceFinding('bucket', '1', null, 'b', 'location', denied).message).toMatch(/^Bucket b could not be read \(location\)/);
    expect(budgetFinding('1', 300, 7).message).toBe("Discovery stopped at this account's bound of 300 requests: 7 table(s) or bucket(s) were not checked.");
    expect(foreignBucketFinding('1', 'eu-west-1', 't', 'gone', 'missing')).toMatchObject({ code: 'bucket_missing', severity: 'warning' });
    expect(foreignBucketFinding('1', 'eu-west-1', 't', 'theirs', 'exists')).toMatchObject({ code: 'bucket_other_account', severity: 'info' });
    expect(outsideRegionsFinding('1', 'b', 'ap-south-1').fix).toBe('Add ap-south-1 to discovery.regions to include it.');
    expect(partialFinding('probe', '1', 'eu-west-1', 'b', 2).message).toContain('only the first 2000 were probed');
  });

  it('keeps at most 20 findings of a code per account and counts the rest', () => {
    const many = Array.from({ length: 25 }, (_, i) => outsideRegionsFinding('1', `b${i}`, 'ap-south-1'));
    const out = capFindings([...many, budgetFinding('1', 300, 1)]);
    expect(out).toHaveLength(MAX_FINDINGS_PER_CODE + 2);
    expect(out.at(-1)).toMatchObject({ code: 'bucket_outside_regions', resource: null, message: '…and 5 more like the 20 above (bucket_outside_regions).' });
  });
});
