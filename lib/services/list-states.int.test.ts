import crypto from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearCache } from '../server/cache';
import { AppError } from '../api/errors';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { getBackend } from '../server/backends';
import { useBackends } from '../testing/integration-env';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { listLocks } from './list-locks';
import { listStates, type StateEntry } from './list-states';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const md5 = (data: string | Uint8Array) => crypto.createHash('md5').update(data).digest('hex');
const lineage = () => crypto.randomUUID();

function byKey(states: StateEntry[]): Map<string, StateEntry> {
  return new Map(states.map((s) => [s.key, s]));
}

describe('listStates: every digest status from seeded data', () => {
  const bucket = uniqueName('states');
  const table = uniqueName('statestable');
  const held = TerraformWriter.lockInfo(bucket, 'app/terraform.tfstate', { who: 'alice@laptop' });
  const seeded: Record<string, string> = {};
  let multipart: { md5: string; etag: string };
  let manualBody: string;

  beforeAll(async () => {
    await w.createBucket(bucket);
    await w.createTable(table);
    // Healthy states, written as Terraform does (single PUT, then the digest).
    seeded.app = (await w.putState(bucket, 'app/terraform.tfstate', stateDocument({ serial: 3, lineage: lineage() }), table)).md5;
    seeded.staging = (await w.putState(bucket, 'env:/staging/app/terraform.tfstate', stateDocument({ serial: 1, lineage: lineage(), compact: true }), table)).md5;
    // A state over 5 MiB, uploaded in parts as TF >= 1.6 does: its ETag is not an MD5.
    const big = stateDocument({ serial: 7, lineage: lineage(), outputs: { blob: { value: 'x'.repeat(6 * 1024 * 1024), type: 'string' } } });
    multipart = await w.putStateMultipart(bucket, 'big/terraform.tfstate', big, table);
    // A manual `aws s3 cp` over a state: the digest is stale.
    seeded.before = (await w.putState(bucket, 'mismatch/terraform.tfstate', stateDocument({ serial: 1, lineage: 'l-1' }), table)).md5;
    manualBody = stateDocument({ serial: 2, lineage: 'l-1' });
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'mismatch/terraform.tfstate', Body: manualBody }));
    // Written while the table was off: no digest.
    await w.putState(bucket, 'nodigest/terraform.tfstate', stateDocument({ serial: 1, lineage: lineage() }), null);
    // A malformed digest: Terraform ignores it.
    await w.putState(bucket, 'malformed/terraform.tfstate', stateDocument({ serial: 1, lineage: lineage() }), null);
    await w.putDigest(table, bucket, 'malformed/terraform.tfstate', 'not-an-md5');
    // The state object was deleted, its digest was not.
    await w.putDigest(table, bucket, 'gone/terraform.tfstate', md5('whatever'));
    // An archived object whose ETag does not prove the digest: the download fails (InvalidObjectState).
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'archived/terraform.tfstate', Body: stateDocument({ serial: 9, lineage: lineage() }), StorageClass: 'GLACIER' }));
    await w.putDigest(table, bucket, 'archived/terraform.tfstate', md5('the content Terraform wrote'));
    // Not states.
    await w.lockBoth(table, bucket, 'app/terraform.tfstate', held);
    for (const key of ['app/terraform.tfstate.backup', 'app/README.md', 'lockboard-audit/2025/01/01/r.json', 'custom/state.json']) {
      await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{}' }));
    }
    useBackends([
      { id: 'main', bucket, dynamodbTable: table, useLockfile: true },
      { id: 'custom', bucket, dynamodbTable: table, stateSuffixes: ['/state.json'] },
      { id: 'lockfile-only', bucket, useLockfile: true },
    ]);
  });

  it('reports match, mismatch, missing, orphan and unverified with their facts', async () => {
    clearCache();
    resetAwsCallCounts();
    const { states, errors, fetchedAt } = await listStates(getBackend('main'));
    expect(errors).toEqual([]);
    expect(Date.parse(fetchedAt)).not.toBeNaN();
    expect(states.map((s) => s.key)).toEqual([
      'app/terraform.tfstate',
      'archived/terraform.tfstate',
      'big/terraform.tfstate',
      'env:/staging/app/terraform.tfstate',
      'gone/terraform.tfstate',
      'malformed/terraform.tfstate',
      'mismatch/terraform.tfstate',
      'nodigest/terraform.tfstate',
    ]);
    const s = byKey(states);
    expect(s.get('app/terraform.tfstate')).toMatchObject({ workspace: 'default', digest: seeded.app, etag: seeded.app, digestStatus: 'match', calculatedMd5: seeded.app });
    expect(s.get('env:/staging/app/terraform.tfstate')).toMatchObject({ workspace: 'staging', digestStatus: 'match', digest: seeded.staging, lock: null });
    expect(s.get('big/terraform.tfstate')).toMatchObject({ digestStatus: 'match', etag: multipart.etag, calculatedMd5: multipart.md5 });
    expect(multipart.etag).toMatch(/^[0-9a-f]{32}-2$/);
    expect(s.get('mismatch/terraform.tfstate')).toMatchObject({ digestStatus: 'mismatch', digest: seeded.before, calculatedMd5: md5(manualBody), etag: md5(manualBody) });
    expect(s.get('nodigest/terraform.tfstate')).toMatchObject({ digestStatus: 'missing', digest: null });
    expect(s.get('malformed/terraform.tfstate')).toMatchObject({ digestStatus: 'missing', digest: 'not-an-md5' });
    expect(s.get('malformed/terraform.tfstate')?.digestReason).toContain('not 32 hex');
    expect(s.get('gone/terraform.tfstate')).toMatchObject({ digestStatus: 'orphan', size: null, etag: null, lastModified: null, digest: md5('whatever') });
    const archived = s.get('archived/terraform.tfstate');
    expect(archived?.digestStatus).toBe('unverified');
    expect(archived?.digestReason).toContain('InvalidObjectState');
    expect(archived?.calculatedMd5).toBeUndefined();

    // Downloads: the multipart state, the mismatching one and the archived one; never the ETag-proven ones.
    const counts = awsCallCounts();
    expect(counts['s3:GetObject']).toBe(3);
    expect(counts['s3:ListObjectsV2']).toBe(1);
  });

  it('carries the live lock of each path, exactly as /locks reports it', async () => {
    const { states } = await listStates(getBackend('main'));
    const { locks } = await listLocks(getBackend('main'));
    const lock = byKey(states).get('app/terraform.tfstate')?.lock;
    expect(lock).toMatchObject({ id: held.id, who: 'alice@laptop', sources: ['dynamodb', 's3'] });
    // The same lock; its age is computed at each call's own time, so two calls may straddle a second.
    const fromLocks = locks.find((l) => l.key === 'app/terraform.tfstate');
    expect({ ...lock, ageSeconds: 0 }).toEqual({ ...fromLocks, ageSeconds: 0 });
    expect(Math.abs((lock?.ageSeconds ?? NaN) - (fromLocks?.ageSeconds ?? NaN))).toBeLessThanOrEqual(1);
    expect(states.filter((x) => x.lock !== null)).toHaveLength(1);
  });

  it('hashes each (key, ETag) once: a second listing downloads only what failed', async () => {
    await listStates(getBackend('main'));
    resetAwsCallCounts();
    const { states } = await listStates(getBackend('main'));
    expect(byKey(states).get('big/terraform.tfstate')?.digestStatus).toBe('match');
    expect(awsCallCounts()['s3:GetObject']).toBe(1); // the archived object is retried, not cached as a failure
  });

  it('uses the configured suffixes instead of .tfstate', async () => {
    const { states } = await listStates(getBackend('custom'));
    expect(states.map((s) => [s.key, s.digestStatus])).toEqual([
      ['custom/state.json', 'missing'],
      // Digest items whose object is gone are orphans whatever their suffix.
      ['gone/terraform.tfstate', 'orphan'],
    ]);
  });

  it('reports every state as not_applicable (no digest by design), never missing, on a lockfile-only backend', async () => {
    resetAwsCallCounts();
    const { states } = await listStates(getBackend('lockfile-only'));
    expect(states).toHaveLength(7); // no orphans: the table is not read
    expect(states.every((s) => s.digestStatus === 'not_applicable' && s.digest === null && s.digestReason?.includes('by design'))).toBe(true);
    expect(awsCallCounts()['dynamodb:Scan']).toBeUndefined();
  });
});

describe('listStates: cost', () => {
  const SEGMENTS = 2;
  const PAGE = 40;

  async function seed(count: number): Promise<{ id: string; bucket: string; table: string }> {
    const bucket = uniqueName('cost');
    const table = uniqueName('costtable');
    await w.createBucket(bucket, false);
    await w.createTable(table);
    const keys = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? `env:/ws${i}/svc/terraform.tfstate` : `svc${i}/terraform.tfstate`));
    for (let i = 0; i < keys.length; i += 25) {
      await Promise.all(keys.slice(i, i + 25).map((key, j) => w.putState(bucket, key, stateDocument({ serial: i + j, lineage: lineage() }), table)));
    }
    return { id: `cost${count}`, bucket, table };
  }

  let small: { id: string; bucket: string; table: string };
  let large: { id: string; bucket: string; table: string };

  beforeAll(async () => {
    small = await seed(30);
    large = await seed(300);
    useBackends([small, large].map((b) => ({ id: b.id, bucket: b.bucket, dynamodbTable: b.table, scanSegments: SEGMENTS, scanPageSize: PAGE })));
  });

  it('is exactly the listing pages, with zero downloads, for 30 and for 300 healthy states', async () => {
    for (const [backend, count] of [
      [small, 30],
      [large, 300],
    ] as const) {
      const expected = await w.baselinePages(backend.bucket, backend.table, SEGMENTS, PAGE);
      clearCache();
      resetAwsCallCounts();
      const { states } = await listStates(getBackend(backend.id));
      expect(states).toHaveLength(count);
      expect(states.every((s) => s.digestStatus === 'match')).toBe(true);
      expect(states.filter((s) => s.workspace !== 'default')).toHaveLength(Math.ceil(count / 3));
      // No GetObject at all: the ETags prove every digest.
      expect(awsCallCounts()).toEqual({ 'dynamodb:Scan': expected.scan, 's3:ListObjectsV2': expected.list });
    }
    // Pagination is exercised on the larger table.
    expect((await w.baselinePages(large.bucket, large.table, SEGMENTS, PAGE)).scan).toBeGreaterThan(SEGMENTS * 2);
  });
});

describe('listStates: failures', () => {
  it('keeps the states listed, unverified, when the table cannot be read', async () => {
    const bucket = uniqueName('notable');
    await w.createBucket(bucket);
    await w.putState(bucket, 'a/terraform.tfstate', stateDocument({ serial: 1, lineage: lineage() }), null);
    useBackends([{ id: 'half', bucket, dynamodbTable: uniqueName('missing') }]);
    const { states, errors } = await listStates(getBackend('half'));
    expect(states.map((s) => [s.key, s.digestStatus])).toEqual([['a/terraform.tfstate', 'unverified']]);
    expect(states[0]?.digestReason).toContain('does not exist');
    expect(errors.map((e) => e.code)).toEqual(['table_not_found']);
  });

  it('fails with a typed error naming the backend when the bucket is missing', async () => {
    useBackends([{ id: 'ghost', bucket: uniqueName('nobucket') }]);
    const err = await listStates(getBackend('ghost')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('bucket_not_found');
    expect((err as AppError).message).toContain('ghost');
  });

  it('rejects an unknown backend', async () => {
    const err = await Promise.resolve().then(() => listStates(getBackend('nope'))).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('backend_not_found');
  });
});
