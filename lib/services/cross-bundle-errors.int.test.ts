/**
 * A read that timed out is 504 `aws_timeout` on /locks and /states even when the read was made by
 * another bundle. Next.js bundles routes and instrumentation separately, each with its own AppError
 * class, and the backend's watcher (with its last read) is shared on globalThis: the first bundle to
 * read makes the error, another serves it, and `instanceof` fails there. Reproduced with a second
 * copy of the modules (vi.resetModules) making the read through a stalled endpoint (the AWS fault
 * proxy in front of moto) with a short `awsTimeoutSeconds`; the routes of the first copy answer.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as locksGet } from '@/app/api/backends/[id]/locks/route';
import { GET as statesGet } from '@/app/api/backends/[id]/states/route';
import { AppError } from '../api/errors';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { startAwsFaultProxy, type AwsFaultProxy } from '../../scripts/lib/aws-fault-proxy';

const w = new TerraformWriter();
const bucket = uniqueName('xbundle');
let proxy: AwsFaultProxy;

beforeAll(async () => {
  await w.createBucket(bucket);
  proxy = await startAwsFaultProxy(motoEndpoint());
});

afterAll(async () => {
  await proxy.close();
  w.destroy();
});

const params = { params: Promise.resolve({ id: 'slow' }) };

describe('a timed-out read made by another bundle', () => {
  it('answers 504 aws_timeout on /locks and /states, not 500 internal', async () => {
    // A .tflock-only backend: its listing failing fails both views.
    useBackends([{ id: 'slow', bucket, endpoint: proxy.endpoint, awsTimeoutSeconds: 0.3 }], { watchIntervalSeconds: 60 });
    proxy.stallNext('s3:ListObjectsV2', 100, 'before-headers');
    vi.resetModules();
    const other = await import('./backend-snapshot');
    const otherBackends = await import('../server/backends');
    const otherErrors = await import('../api/errors');
    expect(otherErrors.AppError).not.toBe(AppError);
    const read = await other.getSnapshot(otherBackends.getBackend('slow'));
    proxy.stallNext('s3:ListObjectsV2', 0, 'before-headers');
    expect(read.bucketError?.code).toBe('aws_timeout');
    expect(read.bucketError instanceof AppError).toBe(false);

    for (const [name, route] of [['locks', locksGet], ['states', statesGet]] as const) {
      const response = await route(new Request(`http://localhost/api/backends/slow/${name}`), params);
      const body = (await response.json()) as { error: { code: string; message: string; service?: string } };
      expect(response.status, name).toBe(504);
      expect(body.error, name).toMatchObject({ code: 'aws_timeout', service: 'S3' });
      expect(body.error.message, name).toMatch(/did not answer in time/);
    }
  });
});
