/**
 * Throttling, through the real SDK: a proxy in front of moto answers the way AWS does when it
 * throttles. Lockboard must retry with bounded back-off (never a storm), tell the viewer, keep the
 * rest of the page, and count it all in `GET /api/metrics`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as locksGet } from '@/app/api/backends/[id]/locks/route';
import { GET as metricsGet } from '@/app/api/metrics/route';
import { clearCache } from '../server/cache';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { startAwsFaultProxy, type AwsFaultProxy } from '../../scripts/lib/aws-fault-proxy';
import { getBackend } from '../server/backends';
import { listLocks } from './list-locks';

const w = new TerraformWriter();
const bucket = uniqueName('throttle');
const table = uniqueName('throttletable');
let proxy: AwsFaultProxy;
// One Scan segment, so a listing is exactly one Scan and one ListObjectsV2 request.
const backend = () => ({ id: 'throttled', bucket, dynamodbTable: table, useLockfile: true, endpoint: proxy.endpoint, scanSegments: 1 });

async function metricsBody(): Promise<string> {
  const response = await metricsGet(new Request('http://localhost/api/metrics'));
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The value of one Prometheus sample (0 when the series does not exist yet). */
function sample(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** The locks route, as the browser calls it. */
const getLocks = () => locksGet(new Request('http://localhost/api/backends/throttled/locks'), { params: Promise.resolve({ id: 'throttled' }) });

const scanRetries = 'lockboard_aws_throttle_retries_total{service="dynamodb",operation="Scan"}';
const listRetries = 'lockboard_aws_throttle_retries_total{service="s3",operation="ListObjectsV2"}';

beforeAll(async () => {
  await w.createBucket(bucket);
  await w.createTable(table);
  await w.lockDynamo(table, bucket, 'app/terraform.tfstate', TerraformWriter.lockInfo(bucket, 'app/terraform.tfstate'));
  await w.lockFile(bucket, 'net/terraform.tfstate', TerraformWriter.lockInfo(bucket, 'net/terraform.tfstate'));
  proxy = await startAwsFaultProxy(motoEndpoint());
  useBackends([backend()]);
});

afterAll(async () => {
  await proxy.close();
  w.destroy();
});

describe('when AWS throttles', () => {
  it('retries a throttled Scan once, shows every lock, and says so', async () => {
    const before = sample(await metricsBody(), scanRetries);
    clearCache();
    resetAwsCallCounts();
    proxy.throttleNext('dynamodb:Scan', 1);
    const result = await listLocks(getBackend('throttled'));
    expect(result.locks.map((l) => l.key).sort()).toEqual(['app/terraform.tfstate', 'net/terraform.tfstate']);
    expect(result.errors).toEqual([]);
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatch(/throttled requests for backend .*adaptive back-off/);
    // One page, one retry: two attempts in all.
    expect(awsCallCounts()['dynamodb:Scan']).toBe(2);
    expect(sample(await metricsBody(), scanRetries)).toBe(before + 1);
  });

  it('gives up after 3 attempts when throttling persists, keeping the other half of the page', async () => {
    const before = sample(await metricsBody(), listRetries);
    clearCache();
    resetAwsCallCounts();
    const seenBefore = proxy.seen('s3:ListObjectsV2');
    proxy.throttleNext('s3:ListObjectsV2', 100);
    const response = await getLocks();
    proxy.throttleNext('s3:ListObjectsV2', 0);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Awaited<ReturnType<typeof listLocks>>;
    // The DynamoDB lock is still listed; the bucket half is a clear, typed error.
    expect(body.locks.map((l) => l.key)).toEqual(['app/terraform.tfstate']);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ code: 'aws_throttled' });
    expect(body.errors[0]!.message).toMatch(/throttling requests \(SlowDown\)/);
    // No storm: exactly maxAttempts requests reached "AWS".
    expect(proxy.seen('s3:ListObjectsV2') - seenBefore).toBe(3);
    expect(awsCallCounts()['s3:ListObjectsV2']).toBe(3);
    expect(sample(await metricsBody(), listRetries)).toBe(before + 3);
  });

  it('serves the failed read from the cache to every other viewer instead of retrying again', async () => {
    useBackends([backend()], { watchIntervalSeconds: 30 });
    const seenBefore = proxy.seen('s3:ListObjectsV2');
    proxy.throttleNext('s3:ListObjectsV2', 100);
    const answers = await Promise.all(Array.from({ length: 20 }, () => listLocks(getBackend('throttled'))));
    await listLocks(getBackend('throttled'));
    proxy.throttleNext('s3:ListObjectsV2', 0);
    expect(answers.every((a) => a.errors[0]?.code === 'aws_throttled')).toBe(true);
    expect(proxy.seen('s3:ListObjectsV2') - seenBefore).toBe(3);
  });
});

describe('GET /api/metrics', () => {
  it('exposes AWS calls, cache results and request durations in Prometheus text format', async () => {
    useBackends([backend()], { watchIntervalSeconds: 30 });
    const route = '/api/backends/[id]/locks';
    const before = await metricsBody();
    expect((await getLocks()).status).toBe(200);
    expect((await getLocks()).status).toBe(200);
    const after = await metricsBody();

    for (const name of ['lockboard_aws_calls_total', 'lockboard_aws_throttle_retries_total', 'lockboard_cache_requests_total', 'lockboard_http_request_duration_seconds']) {
      expect(after).toContain(`# TYPE ${name} `);
    }
    // Started by the first request, yet the watcher's read: counted as origin "watcher".
    const scans = 'lockboard_aws_calls_total{service="dynamodb",operation="Scan",origin="watcher"}';
    const lists = 'lockboard_aws_calls_total{service="s3",operation="ListObjectsV2",origin="watcher"}';
    const reads = `lockboard_backend_reads_total{backend="${backend().id}",outcome="ok"}`;
    // Two requests, one read: the second is a cache hit.
    expect(sample(after, scans) - sample(before, scans)).toBe(1);
    expect(sample(after, lists) - sample(before, lists)).toBe(1);
    expect(sample(after, reads) - sample(before, reads)).toBe(1);
    const miss = 'lockboard_cache_requests_total{cache="snapshot",result="miss"}';
    const hit = 'lockboard_cache_requests_total{cache="snapshot",result="hit"}';
    expect(sample(after, miss) - sample(before, miss)).toBe(1);
    expect(sample(after, hit) - sample(before, hit)).toBe(1);
    const count = `lockboard_http_request_duration_seconds_count{route="${route}",method="GET",status="200"}`;
    expect(sample(after, count) - sample(before, count)).toBe(2);
  });
});
