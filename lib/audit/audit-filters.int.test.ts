/**
 * Filtered listings find real records whatever else was written (issue 21 item 15): after 2,500 raw
 * download records by a bot, `user=` and `key=` used to come back empty with `truncated: true` (a page
 * downloads at most 2,000 records). The object key now carries the user (substring-preserving) and a
 * hash of the state key, so both filters skip the downloads without reading them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as auditRoute } from '@/app/api/audit/route';
import { mapLimit } from '../server/concurrency';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { useBackends } from '../testing/integration-env';
import { APP_ORIGIN } from '../testing/mutation-requests';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { beginAudit, completeAudit } from './audit-log';
import type { AuditRecord } from './audit-record';

const w = new TerraformWriter();
afterAll(() => w.destroy());
const bucket = uniqueName('filters');
const DOWNLOADS = 2500;

async function audit(params: Record<string, string>): Promise<{ records: AuditRecord[]; truncated: boolean; next: string | null }> {
  const res = await auditRoute(new Request(`${APP_ORIGIN}/api/audit?${new URLSearchParams(params)}`));
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

let real: string;

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket, false);
  useBackends([{ id: 'main', bucket }], { authMode: 'none' });
  real = await beginAudit({ user: 'Alice@Example.com', anonymous: false, backend: 'main', key: 'prod/db/terraform.tfstate', action: 'restore', reason: 'bad apply', seen: { versionId: 'v1' } });
  await completeAudit(real, { outcome: 'succeeded' });
  // 2,500 raw downloads by a bot afterwards (so they are listed first), each audited as Lockboard
  // does (begun only: the completion rewrites the same object, which changes nothing here).
  await mapLimit(Array.from({ length: DOWNLOADS }, (_, i) => i), 16, (i) =>
    beginAudit({ user: 'ci-bot@example.com', anonymous: false, backend: 'main', key: `app/${i % 50}/terraform.tfstate`, action: 'download', reason: null, seen: { versionId: `v${i}` } }),
  );
}, 300_000);

describe(`${DOWNLOADS} download records and one real record`, () => {
  it('user= finds the real record on the first page, reading no download', async () => {
    resetAwsCallCounts();
    const page = await audit({ user: 'alice', limit: '50' });
    expect(page.records.map((r) => r.id)).toEqual([real]);
    expect(page.truncated).toBe(false);
    expect(page.next).toBeNull();
    expect(awsCallCounts()['s3:GetObject'] ?? 0).toBe(1);
  });

  it('key= finds it too, and user= is still a case-insensitive substring', async () => {
    expect((await audit({ key: 'prod/db/terraform.tfstate' })).records.map((r) => r.id)).toEqual([real]);
    expect((await audit({ user: 'E@EXAMPLE.C', action: 'restore' })).records.map((r) => r.id)).toEqual([real]);
    const bot = await audit({ user: 'ci-bot', key: 'app/7/terraform.tfstate', limit: '100' });
    expect(bot.records).toHaveLength(DOWNLOADS / 50);
    expect(bot.records.every((r) => r.user === 'ci-bot@example.com' && r.key === 'app/7/terraform.tfstate')).toBe(true);
  });
});
