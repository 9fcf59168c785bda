/**
 * Deadlines, through the real SDK: an endpoint that accepts a request and never answers, or stops a
 * streamed body mid-way, must fail the call with a typed `aws_timeout` after a bounded time instead of
 * hanging every viewer (the SDK's `requestTimeout` alone only logs a warning).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getObjectBytes } from '../aws/state-bucket';
import { getBackend } from '../server/backends';
import { AppError } from '../api/errors';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { startAwsFaultProxy, type AwsFaultProxy } from '../../scripts/lib/aws-fault-proxy';
import { listLocks } from './list-locks';

const w = new TerraformWriter();
const bucket = uniqueName('deadline');
const table = uniqueName('deadlinetable');
const KEY = 'app/terraform.tfstate';
let proxy: AwsFaultProxy;
const TIMEOUT_S = 0.5;
const slowBackend = () => ({ id: 'slow', bucket, dynamodbTable: table, useLockfile: true, endpoint: proxy.endpoint, scanSegments: 1, awsTimeoutSeconds: TIMEOUT_S });

beforeAll(async () => {
  await w.createBucket(bucket);
  await w.createTable(table);
  await w.lockFile(bucket, 'net/terraform.tfstate', TerraformWriter.lockInfo(bucket, 'net/terraform.tfstate'));
  // A state large enough to span several socket reads, so a stall can fall in the middle of it.
  await w.putState(bucket, KEY, stateDocument({ serial: 1, lineage: 'deadline-lineage', outputs: { blob: { value: 'x'.repeat(512 * 1024), type: 'string' } } }));
  proxy = await startAwsFaultProxy(motoEndpoint());
  useBackends([slowBackend()]);
});

afterAll(async () => {
  await proxy.close();
  w.destroy();
});

/** Runs `fn` and returns how long it took, in seconds. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

describe('an AWS endpoint that stops answering', () => {
  it('fails a Scan that never answers with aws_timeout after one attempt (no retry adds work to a slow endpoint), keeping the other half of the page', async () => {
    const seen = proxy.seen('dynamodb:Scan');
    proxy.stallNext('dynamodb:Scan', 100, 'before-headers');
    const { value: result, seconds } = await timed(() => listLocks(getBackend('slow')));
    proxy.stallNext('dynamodb:Scan', 0, 'before-headers');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ code: 'aws_timeout', service: 'DynamoDB' });
    expect(result.errors[0]!.message).toMatch(/did not answer in time/);
    // The .tflock lock is still listed from the bucket half.
    expect(result.locks.map((l) => l.key)).toEqual(['net/terraform.tfstate']);
    // Bounded: one attempt of 0.5 s. A timed-out attempt is not retried: the endpoint is still working on it.
    expect(proxy.seen('dynamodb:Scan') - seen).toBe(1);
    expect(seconds).toBeLessThan(3);
  });

  it('fails a GetObject whose body stops mid-way with aws_timeout instead of hanging', async () => {
    proxy.stallNext('s3:GetObject', 1, 'mid-body');
    const t0 = performance.now();
    const error = await getObjectBytes(getBackend('slow'), KEY).then(
      () => null,
      (e: unknown) => e,
    );
    const seconds = (performance.now() - t0) / 1000;
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('aws_timeout');
    expect(seconds).toBeLessThan(5);
    // The next read (no stall) gets the whole object.
    const whole = await getObjectBytes(getBackend('slow'), KEY);
    expect(whole?.body.length).toBeGreaterThan(512 * 1024);
  });
});
