import { describe, expect, it } from 'vitest';
import { ACCOUNT_ID_PATTERN, discoveredBackendId, discoveryRoleArn, EXTERNAL_ID_PATTERN, REGION_PATTERN, ROLE_NAME_PATTERN } from './discovery-names';
import { describeKeySchema, emptyProbe, foldLockIds, foldProbeKeys, impliedBackends, isLockTableSchema, lockIdTarget, workspacePrefixSeen, type LockTableEvidence } from './discovery-rules';

const lockSchema = { keys: [{ name: 'LockID', type: 'HASH' }], attributes: [{ name: 'LockID', type: 'S' }] };

describe('isLockTableSchema', () => {
  it('accepts exactly LockID, string, hash key only', () => {
    expect(isLockTableSchema(lockSchema)).toBe(true);
  });
  it('refuses another key name, another type, a range key, or no key', () => {
    expect(isLockTableSchema({ keys: [{ name: 'Id', type: 'HASH' }], attributes: [{ name: 'Id', type: 'S' }] })).toBe(false);
    expect(isLockTableSchema({ keys: [{ name: 'LockID', type: 'HASH' }], attributes: [{ name: 'LockID', type: 'N' }] })).toBe(false);
    expect(isLockTableSchema({ keys: [{ name: 'LockID', type: 'HASH' }, { name: 'Sort', type: 'RANGE' }], attributes: [{ name: 'LockID', type: 'S' }, { name: 'Sort', type: 'S' }] })).toBe(false);
    expect(isLockTableSchema({ keys: [{ name: 'LockID', type: 'RANGE' }], attributes: [{ name: 'LockID', type: 'S' }] })).toBe(false);
    expect(isLockTableSchema({ keys: [], attributes: [] })).toBe(false);
  });
  it('describes a schema for a note', () => {
    expect(describeKeySchema({ keys: [{ name: 'pk', type: 'HASH' }, { name: 'sk', type: 'RANGE' }], attributes: [{ name: 'pk', type: 'S' }, { name: 'sk', type: 'N' }] })).toBe('pk (S, hash) + sk (N, range)');
  });
});

describe('lockIdTarget and foldLockIds', () => {
  it('reads the bucket and key of lock and digest LockIDs', () => {
    expect(lockIdTarget('acme-tf/net/terraform.tfstate')).toEqual({ bucket: 'acme-tf', key: 'net/terraform.tfstate', digest: false });
    expect(lockIdTarget('acme-tf/env:/dev/app.tfstate-md5')).toEqual({ bucket: 'acme-tf', key: 'env:/dev/app.tfstate', digest: true });
  });
  it('names no bucket without a slash or a key', () => {
    expect(lockIdTarget('no-slash')).toBeNull();
    expect(lockIdTarget('/key')).toBeNull();
    expect(lockIdTarget('bucket/')).toBeNull();
    expect(lockIdTarget('bucket/-md5')).toBeNull();
  });
  it('counts locks and digests per bucket', () => {
    const { byBucket, unnamed } = foldLockIds(['a/x.tfstate-md5', 'a/y.tfstate-md5', 'a/x.tfstate', 'b/z.tfstate-md5', 'junk']);
    expect(unnamed).toBe(1);
    expect(byBucket.get('a')).toEqual({ locks: 1, digests: 2, keys: ['x.tfstate', 'y.tfstate', 'x.tfstate'] });
    expect(byBucket.get('b')?.digests).toBe(1);
  });
});

describe('workspacePrefixSeen', () => {
  it('is env: when a key is under env:/<workspace>/', () => {
    expect(workspacePrefixSeen(['app.tfstate', 'env:/dev/app.tfstate'])).toBe('env:');
  });
  it('finds a custom prefix from a default key beside its workspaces', () => {
    expect(workspacePrefixSeen(['net/main.tfstate', 'workspaces/dev/net/main.tfstate', 'workspaces/prod/net/main.tfstate', 'teams/a/other.tfstate'])).toBe('workspaces');
  });
  it('is null when no workspace shows', () => {
    expect(workspacePrefixSeen(['a/b/c.tfstate', 'x.tfstate'])).toBeNull();
    expect(workspacePrefixSeen([])).toBeNull();
  });
});

describe('names', () => {
  it('checks account IDs, role names, external IDs and region shapes', () => {
    expect(ACCOUNT_ID_PATTERN.test('111122223333')).toBe(true);
    expect(ACCOUNT_ID_PATTERN.test('11112222333')).toBe(false);
    expect(ACCOUNT_ID_PATTERN.test('11112222333a')).toBe(false);
    expect(ROLE_NAME_PATTERN.test('lockboard-discovery')).toBe(true);
    expect(ROLE_NAME_PATTERN.test('bad role')).toBe(false);
    expect(ROLE_NAME_PATTERN.test('a'.repeat(65))).toBe(false);
    expect(EXTERNAL_ID_PATTERN.test('x')).toBe(false);
    expect(EXTERNAL_ID_PATTERN.test('lockboard:prod/1')).toBe(true);
    for (const r of ['eu-west-1', 'us-gov-west-1', 'ap-southeast-5', 'cn-north-1']) expect(REGION_PATTERN.test(r), r).toBe(true);
    for (const r of ['nowhere', 'EU-WEST-1', 'eu-west', 'eu_west_1', '']) expect(REGION_PATTERN.test(r), r).toBe(false);
  });
  it('builds the role ARN in the region’s partition', () => {
    expect(discoveryRoleArn('111122223333', 'lockboard-discovery', 'eu-west-1')).toBe('arn:aws:iam::111122223333:role/lockboard-discovery');
    expect(discoveryRoleArn('111122223333', 'r', 'cn-north-1')).toBe('arn:aws-cn:iam::111122223333:role/r');
    expect(discoveryRoleArn('111122223333', 'r', 'us-gov-west-1')).toBe('arn:aws-us-gov:iam::111122223333:role/r');
  });
  it('derives a stable, valid, distinct backend id from account, region and bucket', () => {
    const id = discoveredBackendId('111122223333', 'eu-west-1', 'acme.tfstate');
    expect(id).toBe(discoveredBackendId('111122223333', 'eu-west-1', 'acme.tfstate'));
    expect(id).toMatch(/^111122223333-acme-tfstate-[0-9a-f]{6}$/);
    expect(discoveredBackendId('111122223333', 'eu-west-1', 'acme-tfstate')).not.toBe(id);
    expect(discoveredBackendId('111122223333', 'us-east-1', 'acme.tfstate')).not.toBe(id);
    const long = discoveredBackendId('111122223333', 'eu-west-1', 'a'.repeat(63));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/);
  });
});

function table(name: string, region: string, lockIds: string[], complete = true): LockTableEvidence {
  return { table: name, region, buckets: foldLockIds(lockIds).byBucket, itemsRead: lockIds.length, complete };
}

describe('impliedBackends', () => {
  const account = '111122223333';

  it('a bucket named by a lock table of its region is a table backend; .tflock objects turn on use_lockfile', () => {
    const probe = foldProbeKeys(emptyProbe(), ['app/terraform.tfstate', 'app/terraform.tfstate.tflock', 'readme.txt'], ['.tfstate']);
    const { backends, findings } = impliedBackends(account, [table('locks', 'eu-west-1', ['state-a/app/terraform.tfstate-md5'])], [{ bucket: 'state-a', region: 'eu-west-1', probe }]);
    expect(findings).toEqual([]);
    expect(backends).toHaveLength(1);
    expect(backends[0]).toMatchObject({ bucket: 'state-a', region: 'eu-west-1', dynamodbTable: 'locks', useLockfile: true, stateCount: 1, workspaceKeyPrefix: 'env:', workspacePrefixSeen: null, countsComplete: true });
  });

  it('a bucket with states and no table naming it is .tflock-only; one with neither is no backend', () => {
    const states = foldProbeKeys(emptyProbe(), ['x.tfstate', 'env:/dev/x.tfstate'], ['.tfstate']);
    const { backends } = impliedBackends(account, [], [
      { bucket: 'files-only', region: 'eu-west-1', probe: states },
      { bucket: 'logs', region: 'eu-west-1', probe: foldProbeKeys(emptyProbe(), ['a.log'], ['.tfstate']) },
    ]);
    expect(backends.map((b) => [b.bucket, b.dynamodbTable, b.useLockfile, b.workspacePrefixSeen])).toEqual([['files-only', null, true, 'env:']]);
  });

  it('links the table naming the bucket most; a table in another region is a note, not a link', () => {
    const { backends, findings } = impliedBackends(
      account,
      [table('few', 'eu-west-1', ['b/x.tfstate-md5']), table('many', 'eu-west-1', ['b/x.tfstate-md5', 'b/y.tfstate-md5']), table('far', 'us-east-1', ['b/z.tfstate-md5'])],
      [{ bucket: 'b', region: 'eu-west-1', probe: null }],
    );
    expect(backends[0]?.dynamodbTable).toBe('many');
    expect(backends[0]?.useLockfile).toBe(false);
    expect(findings.map((f) => [f.code, f.resource])).toEqual([['table_other_region', 'far']]);
  });

  it('marks counts as lower bounds when the scan or probe stopped early', () => {
    const probe = { ...foldProbeKeys(emptyProbe(), ['a.tfstate'], ['.tfstate']), complete: false };
    const { backends } = impliedBackends(account, [], [{ bucket: 'big', region: 'eu-west-1', probe }]);
    expect(backends[0]?.countsComplete).toBe(false);
  });
});
