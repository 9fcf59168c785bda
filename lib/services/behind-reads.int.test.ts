/**
 * A slow endpoint, through the real SDK: once a backend was read, a viewer whose read is past the
 * watch interval does not wait for the next read to crawl through; it gets the last read at once,
 * with its own time and a notice saying a newer read runs, and the newer read replaces it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend } from '../server/backends';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { startAwsFaultProxy, type AwsFaultProxy } from '../../scripts/lib/aws-fault-proxy';
import { LIVE_PATIENCE_MS } from './backend-snapshot';
import { listLocks } from './list-locks';

const w = new TerraformWriter();
const bucket = uniqueName('behind');
const table = uniqueName('behindtable');
const KEY = 'net/terraform.tfstate';
let proxy: AwsFaultProxy;

beforeAll(async () => {
  await w.createBucket(bucket);
  await w.createTable(table);
  await w.lockFile(bucket, KEY, TerraformWriter.lockInfo(bucket, KEY));
  proxy = await startAwsFaultProxy(motoEndpoint());
  // A 1 s watch interval, kept up 2 s after a view (twice the 1 s poll); the stalled Scan ends at the 2 s deadline.
  useBackends([{ id: 'behind', bucket, dynamodbTable: table, useLockfile: true, endpoint: proxy.endpoint, scanSegments: 1, awsTimeoutSeconds: 2 }], {
    watchIntervalSeconds: 1,
    pollIntervalSeconds: 1,
  });
});

afterAll(async () => {
  await proxy.close();
  w.destroy();
});

describe('a viewer of a backend whose next read is slow', () => {
  it('gets the last read at once, labelled, and the newer read once it completes', async () => {
    const first = await listLocks(getBackend('behind'));
    expect(first.locks.map((l) => l.key)).toEqual([KEY]);
    expect(first.notices).toEqual([]);

    // The watcher reads on its own for 2 s after the view, then idles: its last read is then past the interval.
    await new Promise((r) => setTimeout(r, 4_500));
    proxy.stallNext('dynamodb:Scan', 1, 'before-headers');
    const t0 = performance.now();
    const served = await listLocks(getBackend('behind'));
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(LIVE_PATIENCE_MS - 20);
    expect(ms).toBeLessThan(1_500); // not the 2 s of the stalled read
    // The watcher's last read, past the interval: not a fresh one.
    expect(Date.now() - Date.parse(served.fetchedAt)).toBeGreaterThan(1_000);
    expect(served.locks.map((l) => l.key)).toEqual([KEY]);
    expect(served.notices.join(' ')).toMatch(/^Backend "behind-[^"]+" is shown as last read, at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: a newer read is still running/);

    // The stalled read ends at its deadline (a failed read, served as what it is); the next one is whole.
    await new Promise((r) => setTimeout(r, 2_500));
    const after = await listLocks(getBackend('behind'));
    expect(Date.parse(after.fetchedAt)).toBeGreaterThan(Date.parse(first.fetchedAt));
    expect(after.notices.join(' ')).not.toMatch(/newer read is still running/);
  });
});
