/**
 * Interrupted mutations: a `pending` record older than twice the mutation deadline is completed as
 * `interrupted`, by the start-up sweep or when a listing reads it, with a conditional write so two
 * replicas never both complete it; a young pending record (a mutation still running) is left alone.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putAuditObjectIfMatch } from '../aws/audit-store';
import { getConfig } from '../server/config';
import { signJson } from '../server/signing';
import { useBackends } from '../testing/integration-env';
import { readAuditObjects } from '../testing/mutation-requests';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { beginAudit } from './audit-log';
import { interruptedAfterMs, sweepInterrupted } from './audit-interrupted';
import { listAudit } from './audit-listing';
import { auditObjectKey, type AuditRecord } from './audit-record';

const w = new TerraformWriter();
afterAll(() => w.destroy());
const bucket = uniqueName('interrupted');
const PREFIX = 'lockboard-audit/';

/** A record left pending (signed, as Lockboard writes it) by a server that died `ageMs` ago (old key scheme when `old`). */
async function strandedPending(id: string, ageMs: number, old = false): Promise<{ key: string; etag: string }> {
  const t = Date.now() - ageMs;
  const record: AuditRecord = { id, time: new Date(t).toISOString(), completedAt: null, user: 'alice', anonymous: false, backend: 'main', key: `app/${id}.tfstate`, action: 'restore', reason: 'r', seen: { versionId: 'v1' }, outcome: 'pending', errorCode: null, errorMessage: null, details: null };
  const key = auditObjectKey(PREFIX, 'main', t, id, old ? undefined : { action: 'restore', kind: 'attempt' });
  const out = await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: signJson('audit-record', key, JSON.stringify(record)) }));
  return { key, etag: out.ETag!.replaceAll('"', '') };
}

const byId = async () => new Map((await readAuditObjects(w, bucket, PREFIX)).map((r) => [r.id, r]));

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  useBackends([{ id: 'main', bucket }]);
});

describe('pending records older than the deadline', () => {
  it('the default deadline is 20 minutes (2 × 20 calls × 3 attempts × 10 s)', () => {
    expect(interruptedAfterMs(getConfig().backends[0]!)).toBe(20 * 60_000);
  });

  it('are completed as interrupted by the sweep, once (a second replica loses the conditional write)', async () => {
    const hour = 60 * 60_000;
    const stale = await strandedPending('stale-1', hour);
    await strandedPending('stale-old-scheme', 2 * hour, true);
    await strandedPending('young', 60_000);
    const running = await beginAudit({ user: 'bob', anonymous: false, backend: 'main', key: 'app/running.tfstate', action: 'force-unlock', reason: 'r', seen: null });

    // Two replicas start at once: each record is completed by exactly one of them.
    const [a, b] = await Promise.all([sweepInterrupted(), sweepInterrupted()]);
    expect(a + b).toBeGreaterThanOrEqual(2);
    expect(await sweepInterrupted()).toBe(0);
    // A replica still holding the pending record's ETag cannot overwrite the completion.
    expect(await putAuditObjectIfMatch(getConfig().backends[0]!, bucket, stale.key, '{"stale":true}', stale.etag)).toBe(false);

    const records = await byId();
    for (const id of ['stale-1', 'stale-old-scheme']) {
      expect(records.get(id)).toMatchObject({ outcome: 'interrupted', errorCode: 'interrupted', user: 'alice', action: 'restore', seen: { versionId: 'v1' }, details: { completedBy: 'start-up sweep', interruptedAfterSeconds: 1200 } });
      expect(records.get(id)!.completedAt).not.toBeNull();
    }
    expect(records.get('young')?.outcome).toBe('pending');
    expect(records.get(running)?.outcome).toBe('pending');
  });

  it('are completed when a listing reads them', async () => {
    await strandedPending('stale-read', 3 * 60 * 60_000);
    const listing = await listAudit({ limit: 50, outcome: 'interrupted' });
    expect(listing.records.map((r) => r.id)).toContain('stale-read');
    expect((await byId()).get('stale-read')).toMatchObject({ outcome: 'interrupted', details: { completedBy: 'read' } });
    expect((await listAudit({ limit: 50, outcome: 'pending' })).records.map((r) => r.id).sort()).toEqual(expect.arrayContaining(['young']));
  });
});
