/**
 * Heavy reads share one per-replica limit: with maxHeavyReads 3, four concurrent diffs of large
 * versions answer three 200s and one 503 `busy` with Retry-After; a raw download holds its slot until
 * its stream is consumed or cancelled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as diffRoute } from '@/app/api/backends/[id]/diff/route';
import { GET as objectRoute } from '@/app/api/backends/[id]/object/route';
import { clearDiffCache } from '../services/diff-versions';
import { useBackends } from '../testing/integration-env';
import { APP_ORIGIN } from '../testing/mutation-requests';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { heavyReadStats } from './heavy-reads';

const w = new TerraformWriter();
afterAll(() => w.destroy());
const bucket = uniqueName('heavy');
const KEY = 'big/terraform.tfstate';
const LINEAGE = 'c3d4e5f6-0000-4000-8000-00000000beef';
const versions: string[] = [];

function bigState(serial: number): string {
  const resources = Array.from({ length: 3000 }, (_, i) => ({
    mode: 'managed', type: 'aws_instance', name: `web${i}`, provider: 'p',
    instances: [{ schema_version: 1, attributes: { id: `i-${i}`, ami: `ami-${serial}`, user_data: 'u'.repeat(1000) }, sensitive_attributes: [] }],
  }));
  return stateDocument({ serial, lineage: LINEAGE, resources });
}

const call = (route: typeof diffRoute, path: string, params: Record<string, string>) =>
  route(new Request(`${APP_ORIGIN}/api/backends/h/${path}?${new URLSearchParams(params)}`), { params: Promise.resolve({ id: 'h' }) });

beforeAll(async () => {
  await w.createBucket(bucket);
  for (let s = 1; s <= 5; s++) versions.push((await w.putState(bucket, KEY, bigState(s))).versionId!);
  useBackends([{ id: 'h', bucket }], { maxHeavyReads: 3 });
});

describe('heavy reads per replica', () => {
  it('N+1 concurrent diffs of large versions: N answered, one 503 busy with Retry-After', async () => {
    clearDiffCache();
    let peakRss = process.memoryUsage().rss;
    const baseRss = peakRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const responses = await Promise.all([0, 1, 2, 3].map((i) => call(diffRoute, 'diff', { key: KEY, from: versions[i]!, to: versions[i + 1]! })));
    clearInterval(sampler);
    const statuses = responses.map((r) => r.status).sort();
    console.info(`[heavy] 4 concurrent diffs of ${(bigState(1).length / 1048576).toFixed(1)} MiB versions: ${statuses.join(',')} in ${Math.round(performance.now() - started)} ms; rss ${Math.round(baseRss / 1048576)} → peak ${Math.round(peakRss / 1048576)} MiB`);
    expect(statuses).toEqual([200, 200, 200, 503]);
    const refused = responses.find((r) => r.status === 503)!;
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(await refused.json()).toMatchObject({ error: { code: 'busy', limit: 3, retryAfterSeconds: 2 } });
    expect(heavyReadStats().inUse).toBe(0);
  });

  it('a download holds its slot until its stream is read to the end or cancelled', async () => {
    useBackends([{ id: 'h', bucket }], { maxHeavyReads: 1 });
    clearDiffCache();
    const download = await call(objectRoute, 'object', { key: KEY, versionId: versions[0]! });
    expect(download.status).toBe(200);
    expect((await call(diffRoute, 'diff', { key: KEY, from: versions[0]!, to: versions[1]! })).status).toBe(503);
    await download.body!.cancel();
    expect(heavyReadStats().inUse).toBe(0);
    expect((await call(diffRoute, 'diff', { key: KEY, from: versions[0]!, to: versions[1]! })).status).toBe(200);

    const second = await call(objectRoute, 'object', { key: KEY, versionId: versions[1]! });
    expect((await second.text()).length).toBe(bigState(2).length);
    expect(heavyReadStats().inUse).toBe(0);
  });
});
