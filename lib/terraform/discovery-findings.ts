/**
 * Discovery's problems in words: what could not be read, why (the error AWS gave), and the fix (the
 * role to deploy, the permission to add, the region to enable). Pure: the service hands in the
 * failure's code and AWS error name, so every wording is unit-tested and said once.
 */
import type { DiscoveryFinding } from './discovery-rules';

/** A failed read as the service saw it: Lockboard's error code and the AWS error name. */
export interface Failure {
  code: string;
  awsError: string | null;
  message: string;
}

export interface RoleFacts {
  roleName: string;
  externalId: boolean;
}

const TEMPLATE = 'scripts/deploy/discovery-role.yaml (docs/discovery.md)';

/** The token or signature is refused in a region: it is not enabled for the account (not a missing permission). */
const REGION_REFUSED = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'AuthFailure']);

function reason(f: Failure): string {
  return f.awsError && !f.message.includes(f.awsError) ? `${f.message} (${f.awsError})` : f.message;
}

/** The role could not be assumed: missing, or its trust policy (or external ID) does not admit Lockboard. */
export function roleFinding(accountId: string, roleArn: string, role: RoleFacts, f: Failure): DiscoveryFinding {
  const denied = f.code === 'aws_access_denied';
  return {
    severity: 'error',
    code: 'account_unreadable',
    accountId,
    region: null,
    resource: roleArn,
    message: denied
      ? `Role ${roleArn} could not be assumed (${f.awsError ?? 'AccessDenied'}): it does not exist in this account, or its trust policy does not name Lockboard's identity${role.externalId ? ' with the configured external ID' : ''}.`
      : `Role ${roleArn} could not be assumed: ${reason(f)}.`,
    fix: denied
      ? `Deploy the read-only role "${role.roleName}" to this account with ${TEMPLATE} (a StackSet reaches every account of an OU), trusting the identity Lockboard runs as${role.externalId ? ' and requiring the external ID' : ''}.`
      : 'Check that STS is reachable from Lockboard; the account is tried again at the next run.',
  };
}

/** One region of an account could not be listed (ListTables). */
export function regionFinding(accountId: string, region: string, f: Failure): DiscoveryFinding {
  const denied = f.code === 'aws_access_denied' && !REGION_REFUSED.has(f.awsError ?? '');
  return {
    severity: 'error',
    code: 'region_unreadable',
    accountId,
    region,
    resource: null,
    message: `Region ${region}: the lock tables could not be listed: ${reason(f)}.`,
    fix: denied
      ? `Allow dynamodb:ListTables to the role in this account (${TEMPLATE}).`
      : `Check that ${region} exists and is enabled for this account (opt-in regions: AWS console → Account → AWS Regions); otherwise remove it from discovery.regions. If it is, the failure was transient: it is tried again at the next run.`,
  };
}

/** The account's buckets could not be listed (ListBuckets). */
export function bucketsFinding(accountId: string, f: Failure): DiscoveryFinding {
  return {
    severity: 'error',
    code: 'buckets_unreadable',
    accountId,
    region: null,
    resource: null,
    message: `The account's buckets could not be listed: ${reason(f)}.`,
    fix: f.code === 'aws_access_denied' ? `Allow s3:ListAllMyBuckets to the role in this account (${TEMPLATE}).` : 'Tried again at the next run.',
  };
}

/** A table (DescribeTable, or the Scan of a lock table) or a bucket (location, probe) could not be read. */
export function resourceFinding(kind: 'table' | 'bucket', accountId: string, region: string | null, resource: string, step: string, f: Failure): DiscoveryFinding {
  const permission: Record<string, string> = {
    describe: 'dynamodb:DescribeTable',
    scan: 'dynamodb:Scan (of the LockID attribute)',
    location: 's3:GetBucketLocation',
    probe: 's3:ListBucket',
  };
  return {
    severity: 'warning',
    code: kind === 'table' ? 'table_unreadable' : 'bucket_unreadable',
    accountId,
    region,
    resource,
    message: `${kind === 'table' ? 'Table' : 'Bucket'} ${resource}${region ? ` (${region})` : ''} could not be read (${step}): ${reason(f)}.`,
    fix: f.code === 'aws_access_denied' ? `Allow ${permission[step] ?? step} on it to the role (${TEMPLATE}); a bucket policy or SCP may deny it too.` : 'Tried again at the next run.',
  };
}

/** The account's call bound stopped discovery before it was through. */
export function budgetFinding(accountId: string, limit: number, skipped: number): DiscoveryFinding {
  return {
    severity: 'warning',
    code: 'call_budget_reached',
    accountId,
    region: null,
    resource: null,
    message: `Discovery stopped at this account's bound of ${limit} requests: ${skipped} table(s) or bucket(s) were not checked.`,
    fix: 'Raise discovery.maxCallsPerAccount (each bucket costs up to 1 + probeCallsPerBucket requests, each lock table 1 + scanPagesPerTable).',
  };
}

/** A lock table names a bucket this account does not have. */
export function foreignBucketFinding(accountId: string, region: string, table: string, bucket: string, exists: 'missing' | 'exists' | 'unknown'): DiscoveryFinding {
  if (exists === 'missing') {
    return {
      severity: 'warning',
      code: 'bucket_missing',
      accountId,
      region,
      resource: table,
      message: `Table ${table} names bucket ${bucket}, which does not exist: its items are left from a backend whose bucket was deleted (or renamed).`,
      fix: `Nothing to watch. To tidy up, delete the items of ${bucket}/… from ${table} (Terraform no longer reads them).`,
    };
  }
  return {
    severity: 'info',
    code: 'bucket_other_account',
    accountId,
    region,
    resource: table,
    message: `Table ${table} names bucket ${bucket}, which ${exists === 'exists' ? 'belongs to another account' : 'is not in this account'}: not a backend of this account (its own account's discovery finds it).`,
    fix: '',
  };
}

/** A bucket outside the configured regions is listed, never silently skipped. */
export function outsideRegionsFinding(accountId: string, bucket: string, region: string): DiscoveryFinding {
  return {
    severity: 'info',
    code: 'bucket_outside_regions',
    accountId,
    region,
    resource: bucket,
    message: `Bucket ${bucket} is in ${region}, a region discovery is not configured for: not probed.`,
    fix: `Add ${region} to discovery.regions to include it.`,
  };
}

/** A scan or probe stopped at its bound: what it found is a lower bound. */
export function partialFinding(kind: 'scan' | 'probe', accountId: string, region: string, resource: string, bound: number): DiscoveryFinding {
  return {
    severity: 'info',
    code: kind === 'scan' ? 'scan_partial' : 'probe_partial',
    accountId,
    region,
    resource,
    message:
      kind === 'scan'
        ? `Table ${resource} has more than ${bound} page(s) of items: only those were read, so the buckets it names may be incomplete.`
        : `Bucket ${resource} has more than ${bound * 1000} keys: only the first ${bound * 1000} were probed; a bucket whose states come later is found only through its lock table.`,
    fix: kind === 'scan' ? 'Raise discovery.scanPagesPerTable if some backend is missing.' : 'Raise discovery.probeCallsPerBucket if some backend is missing.',
  };
}

/** Findings of one code kept per account; the rest are counted in one finding (a bounded answer and page). */
export const MAX_FINDINGS_PER_CODE = 20;

/** Keeps the first {@link MAX_FINDINGS_PER_CODE} findings of each code and says how many more there were. */
export function capFindings(findings: readonly DiscoveryFinding[]): DiscoveryFinding[] {
  const kept: DiscoveryFinding[] = [];
  const extra = new Map<string, { first: DiscoveryFinding; count: number }>();
  const seen = new Map<string, number>();
  for (const f of findings) {
    const n = (seen.get(f.code) ?? 0) + 1;
    seen.set(f.code, n);
    if (n <= MAX_FINDINGS_PER_CODE) kept.push(f);
    else extra.set(f.code, { first: extra.get(f.code)?.first ?? f, count: (extra.get(f.code)?.count ?? 0) + 1 });
  }
  for (const { first, count } of extra.values()) {
    kept.push({ ...first, region: null, resource: null, message: `…and ${count} more like the ${MAX_FINDINGS_PER_CODE} above (${first.code}).`, fix: first.fix });
  }
  return kept;
}
