/**
 * Planted audit objects (issue 21 item 7): whoever can write the bucket (most Terraform roles) can put
 * objects under the audit prefix. A planted "alice restored prod/db: succeeded" is not shown as
 * Lockboard's (hidden and counted, or flagged on request); objects too large to be records are never
 * downloaded (three planted 30 MB records used to make `/api/audit?limit=5` a 90 MB answer); a planted
 * `pending` record is not completed (which would sign it).
 */
import crypto from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as auditRoute } from '@/app/api/audit/route';
import { clearCache } from '../server/cache';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { signJson } from '../server/signing';
import { useBackends } from '../testing/integration-env';
import { APP_ORIGIN } from '../testing/mutation-requests';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { beginAudit, completeAudit } from './audit-log';
import { auditObjectKey, type AuditRecord } from './audit-record';

const w = new TerraformWriter();
afterAll(() => w.destroy());
const bucket = uniqueName('planted');

interface Listing {
  records: AuditRecord[];
  truncated: boolean;
  next: string | null;
  foreign: { hidden: number; unreadable: number };
}

async function audit(params: Record<string, string>): Promise<{ status: number; bytes: number; body: Listing }> {
  const res = await auditRoute(new Request(`${APP_ORIGIN}/api/audit?${new URLSearchParams(params)}`));
  const text = await res.text();
  return { status: res.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) as Listing };
}

function forgedRecord(id: string, timeMs: number, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id,
    time: new Date(timeMs).toISOString(),
    completedAt: new Date(timeMs).toISOString(),
    user: 'alice@example.com',
    anonymous: false,
    backend: 'main',
    key: 'prod/db/terraform.tfstate',
    action: 'restore',
    reason: 'routine',
    seen: null,
    outcome: 'succeeded',
    errorCode: null,
    errorMessage: null,
    details: null,
    ...extra,
  };
}

/** Puts a record the way an attacker with s3:PutObject would, at the key Lockboard would use. */
async function plant(record: AuditRecord, body = JSON.stringify(record)): Promise<string> {
  const key = auditObjectKey('lockboard-audit/', 'main', Date.parse(record.time), record.id, { action: record.action, kind: 'attempt', user: record.user, key: record.key });
  await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
  return key;
}

let real: string;

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket, true);
  useBackends([{ id: 'main', bucket }], { authMode: 'none' });
  real = await beginAudit({ user: 'bob@example.com', anonymous: false, backend: 'main', key: 'app/terraform.tfstate', action: 'force-unlock', reason: 'stale', seen: { id: 'x' } });
  await completeAudit(real, { outcome: 'succeeded' });
});

describe('a planted audit record', () => {
  it('"alice restored prod/db: succeeded" is hidden and counted, and shown only flagged on request', async () => {
    const id = crypto.randomUUID();
    await plant(forgedRecord(id, Date.now()));

    const listed = await audit({ limit: '50' });
    expect(listed.status).toBe(200);
    expect(listed.body.records.map((r) => r.id)).toEqual([real]);
    expect(listed.body.foreign).toEqual({ hidden: 1, unreadable: 0 });
    expect((await audit({ user: 'alice' })).body.records).toEqual([]);

    const shown = await audit({ foreign: 'show' });
    expect(shown.body.records.map((r) => [r.id, r.foreign ?? null])).toEqual([
      [id, 'unsigned'],
      [real, null],
    ]);
  });

  it('signed with another key, or a real record altered, is foreign too', async () => {
    const otherKey = { current: Buffer.from('another deployment key, 32 bytes!!'), previous: [], ephemeral: false };
    const other = forgedRecord(crypto.randomUUID(), Date.now() + 1);
    const key = auditObjectKey('lockboard-audit/', 'main', Date.parse(other.time), other.id, { action: 'restore', kind: 'attempt', user: other.user, key: other.key });
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: signJson('audit-record', key, JSON.stringify(other), otherKey) }));

    // The real record, rewritten by someone who changed its outcome (the signature stays as it was).
    const listed = await audit({ id: real, foreign: 'show' });
    const realKey = (await w.s3.send(new GetObjectCommand({ Bucket: bucket, Key: await keyOf(real) })));
    const text = await realKey.Body!.transformToString();
    expect(JSON.parse(text)).toMatchObject({ id: real, outcome: 'succeeded', lockboardSignature: expect.stringMatching(/^v1\./) });
    expect(listed.body.records.map((r) => r.foreign ?? null)).toEqual([null]);
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: await keyOf(real), Body: text.replace('"outcome":"succeeded"', '"outcome":"failed"') }));

    const shown = await audit({ foreign: 'show' });
    expect(shown.body.records.find((r) => r.id === other.id)?.foreign).toBe('unknown_key');
    expect(shown.body.records.find((r) => r.id === real)).toMatchObject({ outcome: 'failed', foreign: 'bad_signature' });
    expect((await audit({})).body.records.map((r) => r.id)).not.toContain(real);
  });

  it('a planted pending record is not completed as interrupted (which would sign it)', async () => {
    const id = crypto.randomUUID();
    const key = await plant(forgedRecord(id, Date.now() - 3 * 3600_000, { outcome: 'pending', completedAt: null }));
    const before = await w.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const shown = await audit({ id, foreign: 'show' });
    expect(shown.body.records).toMatchObject([{ id, outcome: 'pending', foreign: 'unsigned' }]);
    const after = await w.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(after.ETag).toBe(before.ETag);
  });
});

async function keyOf(id: string): Promise<string> {
  const page = await w.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'lockboard-audit/main/' }));
  return page.Contents!.map((o) => o.Key!).find((k) => k.endsWith(`-${id}.json`))!;
}

describe('three planted 30 MB records', () => {
  it('are not downloaded: /api/audit?limit=5 stays small and shows the real records', async () => {
    const fresh = await beginAudit({ user: 'carol@example.com', anonymous: false, backend: 'main', key: 'app/terraform.tfstate', action: 'repair-digest', reason: 'mismatch', seen: null });
    await completeAudit(fresh, { outcome: 'succeeded' });
    const huge = 'x'.repeat(30 * 1024 * 1024);
    for (let i = 0; i < 3; i++) {
      const record = forgedRecord(crypto.randomUUID(), Date.now() + 10_000 + i, { reason: huge });
      await plant(record);
    }
    clearCache();
    resetAwsCallCounts();
    const started = performance.now();
    const listed = await audit({ limit: '5' });
    const ms = performance.now() - started;
    console.info(`[planted] /api/audit?limit=5 with three 30 MB records: ${listed.bytes} bytes in ${Math.round(ms)} ms`);
    expect(listed.status).toBe(200);
    expect(listed.bytes).toBeLessThan(64 * 1024);
    expect(listed.body.foreign.unreadable).toBe(3);
    expect(listed.body.records[0]?.id).toBe(fresh);
    // Their size was known from the listing: not even asked for.
    const objects = (await w.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'lockboard-audit/main/' }))).Contents ?? [];
    expect(awsCallCounts()['s3:GetObject'] ?? 0).toBe(objects.filter((o) => (o.Size ?? 0) < 1024 * 1024).length);
    const shown = await audit({ limit: '5', foreign: 'show' });
    expect(shown.bytes).toBeLessThan(64 * 1024);
    expect(shown.body.records.every((r) => (r.reason ?? '').length < 10_000)).toBe(true);
  });
});
