/**
 * The AWS cost of reading a backend is exact, so it is asserted here (the benchmark reports times):
 * a locks listing costs exactly the pages of one Scan and one ListObjectsV2, whatever the number of
 * viewers asking at once.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearCache } from '../server/cache';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { marshalLockInfo } from '../terraform/lock-info';
import { lockfileKey } from '../terraform/paths';
import { getBackend } from '../server/backends';
import { useBackends } from '../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { listLocks } from './list-locks';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const bucket = uniqueName('calls');
const table = uniqueName('callstable');
const SEGMENTS = 2;
const PAGE = 150;

beforeAll(async () => {
  await w.createBucket(bucket);
  await w.createTable(table);
  const items: Array<Record<string, string>> = [];
  for (let i = 0; i < 600; i++) items.push({ LockID: `${bucket}/svc${i}/terraform.tfstate-md5`, Digest: 'd41d8cd98f00b204e9800998ecf8427e' });
  const held = Array.from({ length: 20 }, (_, i) => TerraformWriter.lockInfo(bucket, `svc${i}/terraform.tfstate`));
  held.forEach((info, i) => items.push({ LockID: `${bucket}/svc${i}/terraform.tfstate`, Info: marshalLockInfo(info) }));
  await w.putItemsBatch(table, items);
  // Dual-mode: the same JSON in the .tflock objects, so their ETags prove their content.
  await Promise.all(held.map((info, i) => w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: lockfileKey(`svc${i}/terraform.tfstate`), Body: marshalLockInfo(info) }))));
  useBackends([{ id: 'calls', bucket, dynamodbTable: table, useLockfile: true, scanSegments: SEGMENTS, scanPageSize: PAGE }], { watchIntervalSeconds: 30 });
});

describe('AWS calls of a locks listing', () => {
  it('equal the baseline page counts, with no GetObject for dual-mode locks', async () => {
    const expected = await w.baselinePages(bucket, table, SEGMENTS, PAGE);
    expect(expected.scan).toBeGreaterThan(SEGMENTS); // several pages, so pagination is exercised
    clearCache();
    resetAwsCallCounts();
    const { locks } = await listLocks(getBackend('calls'));
    expect(locks).toHaveLength(20);
    expect(locks.every((l) => l.sources.length === 2)).toBe(true);
    expect(awsCallCounts()).toEqual({ 'dynamodb:Scan': expected.scan, 's3:ListObjectsV2': expected.list });
  });

  it('do not grow with the number of concurrent viewers', async () => {
    const expected = await w.baselinePages(bucket, table, SEGMENTS, PAGE);
    clearCache();
    resetAwsCallCounts();
    const answers = await Promise.all(Array.from({ length: 50 }, () => listLocks(getBackend('calls'))));
    await Promise.all(Array.from({ length: 50 }, () => listLocks(getBackend('calls'))));
    expect(new Set(answers.map((a) => a.fetchedAt)).size).toBe(1);
    expect(awsCallCounts()).toEqual({ 'dynamodb:Scan': expected.scan, 's3:ListObjectsV2': expected.list });
  });
});
