import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../api/errors';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { marshalLockInfo } from '../terraform/lock-info';
import { getBackend } from '../server/backends';
import { useBackends } from '../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { clearCache } from '../server/cache';
import { listLocks } from './list-locks';

const w = new TerraformWriter();
afterAll(() => w.destroy());

describe('listLocks against moto', () => {
  const bucket = uniqueName('locks');
  const table = uniqueName('locktable');
  const dual = TerraformWriter.lockInfo(bucket, 'app/terraform.tfstate', { who: 'alice@laptop', operation: 'OperationTypePlan' });
  const dynamoOnly = TerraformWriter.lockInfo(bucket, 'env:/staging/net/terraform.tfstate', { who: 'ci@runner', version: '1.9.8' }, Date.now() - 3 * 86400_000);
  const fileOnly = TerraformWriter.lockInfo(bucket, 'odd key/ünïcode ☃/terraform.tfstate', { who: 'bob@box' });

  beforeAll(async () => {
    await w.createBucket(bucket);
    await w.createTable(table);
    await w.lockBoth(table, bucket, 'app/terraform.tfstate', dual);
    await w.lockDynamo(table, bucket, 'env:/staging/net/terraform.tfstate', dynamoOnly);
    await w.lockFile(bucket, 'odd key/ünïcode ☃/terraform.tfstate', fileOnly);
    await w.putRawItem(table, { LockID: `${bucket}/broken/terraform.tfstate`, Info: '{not json' });
    await w.putRawItem(table, { LockID: `${bucket}/noinfo/terraform.tfstate` });
    await w.putDigest(table, bucket, 'app/terraform.tfstate', 'd41d8cd98f00b204e9800998ecf8427e');
    await w.s3.send(new (await import('@aws-sdk/client-s3')).PutObjectCommand({ Bucket: bucket, Key: 'junk/terraform.tfstate.tflock', Body: 'garbage' }));
    useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: true }], { staleAfterMinutes: 60 });
  });

  it('lists every lock with the exact holder fields and merges dual-mode locks', async () => {
    const { locks, errors, fetchedAt } = await listLocks(getBackend('main'));
    expect(errors).toEqual([]);
    expect(Date.parse(fetchedAt)).not.toBeNaN();
    const byKey = new Map(locks.map((l) => [`${l.key}|${l.sources.join()}`, l]));
    expect(locks).toHaveLength(6);

    const d = byKey.get('app/terraform.tfstate|dynamodb,s3');
    expect(d).toMatchObject({ id: dual.id, who: 'alice@laptop', operation: 'OperationTypePlan', version: '1.11.4', created: dual.created, info: '', path: `${bucket}/app/terraform.tfstate`, workspace: 'default', stale: false, problems: [] });

    const s = byKey.get('env:/staging/net/terraform.tfstate|dynamodb');
    expect(s).toMatchObject({ id: dynamoOnly.id, workspace: 'staging', stale: true, version: '1.9.8' });
    expect(s?.problems).toContain('split_lock');
    expect(s?.ageSeconds).toBeGreaterThanOrEqual(3 * 86400 - 5);

    const f = byKey.get('odd key/ünïcode ☃/terraform.tfstate|s3');
    expect(f).toMatchObject({ id: fileOnly.id, who: 'bob@box' });
    expect(f?.seen.lockfileBody).toBe(marshalLockInfo(fileOnly));

    expect(byKey.get('broken/terraform.tfstate|dynamodb')?.problems).toEqual(expect.arrayContaining(['malformed_info', 'missing_id']));
    expect(byKey.get('broken/terraform.tfstate|dynamodb')?.seen.dynamodbInfo).toBe('{not json');
    expect(byKey.get('noinfo/terraform.tfstate|dynamodb')?.problems).toContain('malformed_info');
    expect(byKey.get('junk/terraform.tfstate|s3')?.problems).toContain('malformed_info');
  });

  it('does not download a .tflock whose ETag proves it equals the DynamoDB Info', async () => {
    clearCache();
    resetAwsCallCounts();
    await listLocks(getBackend('main'));
    const counts = awsCallCounts();
    // Two lock files need reading (lockfile-only and junk); the dual-mode one is proven by its ETag.
    expect(counts['s3:GetObject']).toBe(2);
    expect(counts['s3:ListObjectsV2']).toBe(1);
  });
});

describe('pagination and failures', () => {
  it('reads a table of 3,000+ items across many pages and parallel segments', async () => {
    const bucket = uniqueName('big');
    const table = uniqueName('bigtable');
    await w.createBucket(bucket);
    await w.createTable(table);
    const items: Array<Record<string, string>> = [];
    for (let i = 0; i < 3000; i++) items.push({ LockID: `${bucket}/s${i}/terraform.tfstate-md5`, Digest: 'd41d8cd98f00b204e9800998ecf8427e' });
    for (let i = 0; i < 150; i++) items.push({ LockID: `${bucket}/s${i}/terraform.tfstate`, Info: marshalLockInfo(TerraformWriter.lockInfo(bucket, `s${i}/terraform.tfstate`)) });
    await w.putItemsBatch(table, items);
    useBackends([{ id: 'big', bucket, dynamodbTable: table, scanSegments: 3, scanPageSize: 200 }]);
    const { locks } = await listLocks(getBackend('big'));
    expect(locks).toHaveLength(150);
    expect(new Set(locks.map((l) => l.key)).size).toBe(150);
    expect(awsCallCounts()['dynamodb:Scan']).toBeGreaterThanOrEqual(3150 / 200);
  });

  it('names the backend and cause for a missing table and bucket', async () => {
    useBackends([{ id: 'ghost', bucket: uniqueName('nobucket'), dynamodbTable: uniqueName('notable') }]);
    const err = await listLocks(getBackend('ghost')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('table_not_found');
    expect((err as AppError).message).toContain('ghost');
  });

  it('keeps lockfile locks visible when only the table is missing', async () => {
    const bucket = uniqueName('half');
    await w.createBucket(bucket);
    await w.lockFile(bucket, 'a.tfstate', TerraformWriter.lockInfo(bucket, 'a.tfstate'));
    useBackends([{ id: 'half', bucket, dynamodbTable: uniqueName('missing') }]);
    const { locks, errors } = await listLocks(getBackend('half'));
    expect(locks.map((l) => l.key)).toEqual(['a.tfstate']);
    expect(errors.map((e) => e.code)).toEqual(['table_not_found']);
  });

  it('reports an unreachable endpoint as aws_unreachable', async () => {
    useBackends([{ id: 'down', bucket: 'whatever-bucket', endpoint: 'http://127.0.0.1:9' }]);
    const err = await listLocks(getBackend('down')).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('aws_unreachable');
    expect((err as AppError).message).toContain('down');
  });
});
