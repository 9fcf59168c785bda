/**
 * The audit flood: thousands of junk refusals (through the real unlock route, cross-site and
 * anonymous) are stored bounded and rate-limited, and the real records stay findable through every
 * filter, with a cursor that pages through every stored record.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as auditRoute } from '@/app/api/audit/route';
import { POST as unlockRoute } from '@/app/api/backends/[id]/unlock/route';
import { AppError } from '../api/errors';
import { mapLimit } from '../server/concurrency';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { useBackends } from '../testing/integration-env';
import { APP_ORIGIN, callMutation } from '../testing/mutation-requests';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { beginAudit, completeAudit } from './audit-log';
import { flushRefusalSummaries, recordRefusal, resetRefusalThrottleForTests } from './audit-refusals';
import type { AuditRecord } from './audit-record';

const w = new TerraformWriter();
afterAll(() => w.destroy());
const bucket = uniqueName('flood');
const PREFIX = 'lockboard-audit/';

async function listKeys(prefix: string): Promise<Array<{ key: string; size: number }>> {
  const out: Array<{ key: string; size: number }> = [];
  let token: string | undefined;
  do {
    const page = await w.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

async function audit(params: Record<string, string>): Promise<{ status: number; body: { records: AuditRecord[]; next: string | null; truncated: boolean; errors: unknown[] } }> {
  const res = await auditRoute(new Request(`${APP_ORIGIN}/api/audit?${new URLSearchParams(params)}`));
  return { status: res.status, body: (await res.json()) as never };
}

async function allPages(params: Record<string, string>): Promise<AuditRecord[]> {
  const seen: AuditRecord[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const { status, body } = await audit(cursor ? { ...params, cursor } : params);
    expect(status).toBe(200);
    seen.push(...body.records);
    cursor = body.next;
    if (!cursor) return seen;
  }
  throw new Error('paging did not end');
}

async function realRecord(user: string, action: 'force-unlock' | 'restore', key: string, outcome: 'succeeded' | 'failed') {
  const id = await beginAudit({ user, anonymous: false, backend: 'main', key, action, reason: 'real', seen: { id: 'x' } });
  await completeAudit(id, { outcome, details: { note: 'real' } });
  return id;
}

const real: string[] = [];

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket, false);
  useBackends([{ id: 'main', bucket }], { authMode: 'none' });
  resetRefusalThrottleForTests();
  real.push(await realRecord('alice@example.com', 'force-unlock', 'real/a.tfstate', 'succeeded'));
  real.push(await realRecord('alice@example.com', 'restore', 'real/b.tfstate', 'succeeded'));
});

describe('3,000 junk refusals', () => {
  it('are stored bounded and rate-limited, and the real records stay findable', async () => {
    const junk = 'j'.repeat(20_000);
    const started = performance.now();
    // 1,500 from one client, 1,500 from as many spoofed addresses; cross-site text/plain, as a hostile page sends.
    const statuses = await mapLimit(Array.from({ length: 3000 }, (_, i) => i), 16, async (i) => {
      const ip = i < 1500 ? '203.0.113.7' : `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
      const res = await callMutation(unlockRoute, 'unlock', 'main', { key: `junk/${i}/${junk}`, id: junk, reason: junk, seen: { junk } }, { headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain', 'x-forwarded-for': ip } });
      return res.status;
    });
    expect(statuses.every((s) => s === 403 || s === 415)).toBe(true); // cross-site / not JSON
    const floodMs = performance.now() - started;
    real.push(await realRecord('alice@example.com', 'force-unlock', 'real/c.tfstate', 'failed'));
    expect(await flushRefusalSummaries(Date.now() + 61_000, true)).toBeGreaterThan(0);

    const objects = await listKeys(PREFIX);
    const records = await allPages({ backend: 'main', limit: '37' });
    const refused = records.filter((r) => r.outcome === 'refused');
    const summaries = refused.filter((r) => r.errorCode === 'refusals_summarised');
    const suppressed = summaries.reduce((n, r) => n + Number(r.details?.suppressed), 0);
    console.info(`[flood] 3000 refusals in ${Math.round(floodMs)} ms; stored ${objects.length} objects (${refused.length - summaries.length} refusals in full, ${summaries.length} summaries of ${suppressed}), largest ${Math.max(...objects.map((o) => o.size))} bytes`);
    // Every refusal is accounted for: stored in full or counted in a summary.
    expect(refused.length - summaries.length + suppressed).toBe(3000);
    expect(objects.length).toBeLessThanOrEqual(20 + 300 + 10 + real.length);
    expect(Math.max(...objects.map((o) => o.size))).toBeLessThanOrEqual(8 * 1024 + 1);
    expect(summaries.find((r) => r.user === 'anonymous@203.0.113.7')?.errorMessage).toMatch(/^1480 more refusals of force-unlock by anonymous@203\.0\.113\.7 between \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC and \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(not stored one by one\)$/);
    // The cursor reached every stored record, once.
    expect(records.length).toBe(objects.length);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);

    expect((await audit({ outcome: 'succeeded' })).body.records.map((r) => r.id).sort()).toEqual([real[0], real[1]].sort());
    expect((await audit({ action: 'restore' })).body.records.map((r) => r.id)).toEqual([real[1]]);
    expect((await audit({ user: 'alice' })).body.records.map((r) => r.id)).toEqual([real[2], real[1], real[0]]);
    expect((await audit({ key: 'real/b.tfstate' })).body.records.map((r) => r.id)).toEqual([real[1]]);
    expect((await audit({ outcome: 'failed', action: 'force-unlock' })).body.records.map((r) => r.id)).toEqual([real[2]]);
  });

  it('without the rate limit (many replicas), key-encoded filters skip the refusals unread and paging reaches all', async () => {
    resetRefusalThrottleForTests({ perCaller: 1e9, total: 1e9, windowMs: 60_000, maxCallers: 1e9 });
    const error = new AppError('bad_request', 'junk');
    await mapLimit(Array.from({ length: 300 }, (_, i) => i), 16, (i) => recordRefusal({ user: `m${i}`, anonymous: false, backend: 'main', key: `junk/${i}`, action: 'force-unlock', reason: 'x', seen: null }, error));
    resetAwsCallCounts();
    const found = await audit({ outcome: 'succeeded', limit: '10' });
    expect(found.body.records.map((r) => r.id).sort()).toEqual([real[0], real[1]].sort());
    expect(found.body.next).toBeNull();
    expect(awsCallCounts()['s3:GetObject'] ?? 0).toBeLessThanOrEqual(3);
    const total = (await listKeys(PREFIX)).length;
    expect((await allPages({ limit: '100' })).length).toBe(total);
    const alice = await allPages({ user: 'alice', limit: '2' });
    expect(alice.map((r) => r.id)).toEqual([real[2], real[1], real[0]]);
    expect((await audit({ cursor: 'garbage' })).status).toBe(400);
  });
});
