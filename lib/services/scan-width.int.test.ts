/**
 * The Scan width follows the table (lib/terraform/scan-width.ts), on moto, whose Scan pages stop at
 * 1 MB as DynamoDB's do: a small table is one Scan request per read (not four), and a table of about
 * 2 MB is read with as many segments as it needs for one page each, learnt from the previous read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend } from '../server/backends';
import { clearCache } from '../server/cache';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { useBackends } from '../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { itemBytes, segmentsForBytes } from '../terraform/scan-width';
import { marshalLockInfo } from '../terraform/lock-info';
import { watcherOf } from './backend-snapshot';
import { listLocks } from './list-locks';

describe('Scan width (moto)', () => {
  const w = new TerraformWriter();
  const bucket = uniqueName('width');
  const small = uniqueName('widthsmall');
  const large = uniqueName('widthlarge');
  const largeItems = Array.from({ length: 3_000 }, (_, i) => {
    const key = `big-${i}/terraform.tfstate`;
    return { LockID: `${bucket}/${key}`, Info: marshalLockInfo(TerraformWriter.lockInfo(bucket, key, { info: 'x'.repeat(500) })) };
  });

  beforeAll(async () => {
    await w.createBucket(bucket);
    await w.createTable(small);
    await w.createTable(large);
    await w.putItemsBatch(small, Array.from({ length: 300 }, (_, i) => ({ LockID: `${bucket}/svc-${i}/terraform.tfstate-md5`, Digest: 'a'.repeat(32) })));
    // About 2 MB: 3,000 locks of ~700 bytes (a long Info note, as `terraform apply -lock-info`… would not, but a wrapper might).
    await w.putItemsBatch(large, largeItems);
    useBackends([
      { id: 'small', bucket, dynamodbTable: small },
      { id: 'large', bucket, dynamodbTable: large },
    ]);
  });

  afterAll(() => {
    clearCache();
    w.destroy();
  });

  it('reads a 300-item table with one Scan request, DescribeTable only before the first read', async () => {
    resetAwsCallCounts();
    await listLocks(getBackend('small'));
    expect(awsCallCounts()).toMatchObject({ 'dynamodb:DescribeTable': 1, 'dynamodb:Scan': 1 });
    // Later reads: the width the first one measured, no DescribeTable.
    resetAwsCallCounts();
    for (let i = 0; i < 2; i++) {
      watcherOf(getBackend('small')).invalidate();
      await listLocks(getBackend('small'));
    }
    expect(awsCallCounts()).toMatchObject({ 'dynamodb:Scan': 2 });
    expect(awsCallCounts()['dynamodb:DescribeTable']).toBeUndefined();
  });

  it('reads a ~2 MB table with one page per segment once the first read measured it', async () => {
    resetAwsCallCounts();
    const first = await listLocks(getBackend('large'));
    expect(first.errors).toEqual([]);
    const firstScans = awsCallCounts()['dynamodb:Scan']!;
    // The second read uses the width the first one measured: each segment one page, no more requests than segments.
    resetAwsCallCounts();
    watcherOf(getBackend('large')).invalidate();
    await listLocks(getBackend('large'));
    const scans = awsCallCounts()['dynamodb:Scan']!;
    expect(awsCallCounts()['dynamodb:DescribeTable']).toBeUndefined();
    // One request per segment (no segment needed a second page), and the segments the bytes need.
    const width = segmentsForBytes(largeItems.reduce((n, it) => n + itemBytes(it), 0));
    expect(width).toBeGreaterThanOrEqual(2);
    expect(scans).toBe(width);
    // The first read (one segment, from DescribeTable's count) took more pages than that.
    expect(firstScans).toBeGreaterThan(1);
  });
});
