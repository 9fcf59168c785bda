import { PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapLimit } from '../server/concurrency';
import { AppError } from '../api/errors';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { useBackends } from '../testing/integration-env';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { listKeyVersions } from '../aws/state-bucket';
import { getBackend } from '../server/backends';
import { listVersions } from './list-versions';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** S3 (and moto) stamp LastModified in whole seconds: start the next step in a fresh second. */
const nextSecond = () => sleep(1000 - (Date.now() % 1000) + 60);
const LINEAGE = 'a1b2c3d4-0000-4000-8000-000000000001';

async function put(bucket: string, key: string, body: string): Promise<string> {
  const out = await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return out.VersionId ?? 'null';
}

describe('listing the versions of one state key', () => {
  const bucket = uniqueName('versions');
  const key = 'app/terraform.tfstate';
  const written: string[] = [];

  beforeAll(async () => {
    await w.createBucket(bucket);
    // 1,050 versions of the key, interleaved with keys sharing its prefix and a lock history.
    for (let i = 0; i < 1050; i++) written.push(await put(bucket, key, stateDocument({ serial: i, lineage: LINEAGE })));
    for (const other of ['app/terraform.tfstate.backup', 'app/terraform.tfstate2', 'app/terraform.tfstate-old', 'app/terraform.tfstate.tflock']) {
      await put(bucket, other, '{}');
      await put(bucket, other, '{"again":true}');
    }
    await w.unlockFile(bucket, key); // a delete marker on app/terraform.tfstate.tflock
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'app/terraform.tfstatf', Body: 'after in key order' }));
    useBackends([{ id: 'v', bucket }]);
  }, 120_000);

  it('returns every version of exactly that key, newest first, across pages', async () => {
    resetAwsCallCounts();
    const result = await listVersions(getBackend('v'), key);
    expect(result.versions).toHaveLength(1050);
    expect(result.versions.map((v) => v.versionId)).toEqual([...written].reverse());
    expect(result.versions[0]).toMatchObject({ isLatest: true, deleteMarker: false });
    expect(result.versions.slice(1).every((v) => !v.isLatest)).toBe(true);
    expect(result.versioning).toBe('Enabled');
    const first = result.versions[0]!;
    expect(first.size).toBe(stateDocument({ serial: 1049, lineage: LINEAGE }).length);
    expect(first.etag).toMatch(/^[0-9a-f]{32}$/);
    // Exactly the listing pages: moto pages at 1,000, so two; nothing else.
    expect(awsCallCounts()).toEqual({ 's3:ListObjectVersions': 2 });
  });

  it('keeps the .tflock history apart, and never mixes in other keys sharing the prefix', async () => {
    const listed = await listKeyVersions(getBackend('v'), key, { lockfile: true, pageSize: 100 });
    expect(listed.versions).toHaveLength(1050);
    expect(listed.pages).toBeGreaterThanOrEqual(11);
    expect(listed.lockfileVersions.map((v) => v.deleteMarker)).toEqual([true, false, false]);
    expect(listed.lockfileVersions[0]!.isLatest).toBe(true);
  });

  it('stops paging once the key is passed when the lock history is not needed', async () => {
    const b = uniqueName('early');
    await w.createBucket(b);
    for (let i = 0; i < 5; i++) await put(b, 's.tfstate', `{"version":4,"serial":${i}}`);
    for (let i = 0; i < 30; i++) await put(b, 's.tfstate.backup', '{}');
    await put(b, 's.tfstate.tflock', '{}');
    useBackends([{ id: 'e', bucket: b }]);
    const backend = getBackend('e');
    const short = await listKeyVersions(backend, 's.tfstate', { pageSize: 10 });
    expect(short).toMatchObject({ pages: 1, lockfileVersions: [] });
    expect(short.versions).toHaveLength(5);
    const full = await listKeyVersions(backend, 's.tfstate', { pageSize: 10, lockfile: true });
    expect(full.pages).toBe(4);
    expect(full.versions).toHaveLength(5);
    expect(full.lockfileVersions).toHaveLength(1);
  });

  it('lists a delete marker of the state as such', async () => {
    const b = uniqueName('deleted');
    await w.createBucket(b);
    const v1 = await put(b, 'x.tfstate', '{"version":4}');
    await w.s3.send(new (await import('@aws-sdk/client-s3')).DeleteObjectCommand({ Bucket: b, Key: 'x.tfstate' }));
    useBackends([{ id: 'd', bucket: b }]);
    const { versions } = await listVersions(getBackend('d'), 'x.tfstate');
    expect(versions.map((v) => [v.deleteMarker, v.isLatest])).toEqual([
      [true, true],
      [false, false],
    ]);
    expect(versions[1]!.versionId).toBe(v1);
  });

  it('says so for a bucket without versioning, still listing the current object', async () => {
    const b = uniqueName('plain');
    await w.createBucket(b, false);
    await put(b, 'p.tfstate', '{"version":4}');
    await put(b, 'p.tfstate', '{"version":4,"serial":2}');
    useBackends([{ id: 'p', bucket: b }]);
    const result = await listVersions(getBackend('p'), 'p.tfstate');
    expect(result.versioning).toBe('Disabled');
    expect(result.versions).toEqual([expect.objectContaining({ versionId: 'null', isLatest: true, deleteMarker: false, size: 24 })]);
    await w.s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Suspended' } }));
    useBackends([{ id: 'p', bucket: b }]);
    expect((await listVersions(getBackend('p'), 'p.tfstate')).versioning).toBe('Suspended');
  });

  it('answers typed errors for a missing state and a key that is not a state', async () => {
    useBackends([{ id: 'v', bucket }]);
    const missing = await listVersions(getBackend('v'), 'nope/terraform.tfstate').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AppError);
    expect((missing as AppError).code).toBe('state_not_found');
    const lock = await listVersions(getBackend('v'), 'app/terraform.tfstate.tflock').catch((e: unknown) => e);
    expect((lock as AppError).code).toBe('bad_request');
    expect(((await Promise.resolve().then(() => listVersions(getBackend('zzz'), key)).catch((e: unknown) => e)) as AppError).code).toBe('backend_not_found');
  });
});

describe('who wrote each version (.tflock history)', () => {
  const bucket = uniqueName('writers');
  const key = 'team/app.tfstate';
  const ids: Record<string, string | undefined> = {};
  const alice = TerraformWriter.lockInfo(bucket, key, { who: 'alice@laptop', operation: 'OperationTypeApply' });
  const bob = TerraformWriter.lockInfo(bucket, key, { who: 'bob@ci', operation: 'state-push', version: '1.10.5' });
  const planner = TerraformWriter.lockInfo(bucket, key, { who: 'carol@desk', operation: 'OperationTypePlan' });
  const holder = TerraformWriter.lockInfo(bucket, key, { who: 'dave@runner', operation: 'OperationTypeApply' });

  beforeAll(async () => {
    await w.createBucket(bucket);
    // Written with -lock=false: no lock covers it.
    ids.unlocked = (await w.putState(bucket, key, stateDocument({ serial: 1, lineage: LINEAGE }))).versionId;
    await sleep(3100);
    await nextSecond();
    // terraform apply: lock, write, unlock (each cycle in its own second).
    await w.lockFile(bucket, key, alice);
    ids.alice = (await w.putState(bucket, key, stateDocument({ serial: 2, lineage: LINEAGE }))).versionId;
    await w.unlockFile(bucket, key);
    await nextSecond();
    await w.lockFile(bucket, key, bob);
    ids.bob = (await w.putState(bucket, key, stateDocument({ serial: 3, lineage: LINEAGE }))).versionId;
    await w.unlockFile(bucket, key);
    await nextSecond();
    // A plan locks and writes nothing.
    await w.lockFile(bucket, key, planner);
    await w.unlockFile(bucket, key);
    await nextSecond();
    // Still held.
    await w.lockFile(bucket, key, holder);
    ids.held = (await w.putState(bucket, key, stateDocument({ serial: 4, lineage: LINEAGE }))).versionId;
    useBackends([{ id: 'w', bucket, useLockfile: true }]);
  }, 60_000);

  it('attributes each version to the lock held when it was written, unknown otherwise', async () => {
    const result = await listVersions(getBackend('w'), key, { writers: true });
    const byId = new Map(result.versions.map((v) => [v.versionId, v]));
    expect(byId.get(ids.alice!)).toMatchObject({ attribution: 'lock', writer: { id: alice.id, who: 'alice@laptop', operation: 'OperationTypeApply', version: '1.11.4', created: alice.created } });
    expect(byId.get(ids.bob!)).toMatchObject({ attribution: 'lock', writer: { id: bob.id, who: 'bob@ci', operation: 'state-push', version: '1.10.5' } });
    expect(byId.get(ids.held!)).toMatchObject({ attribution: 'lock', writer: { id: holder.id, who: 'dave@runner' } });
    expect(byId.get(ids.unlocked!)).toMatchObject({ attribution: 'none', writer: null });
    expect(result.lockHistory).toEqual({ entries: 7, note: null });
  });

  it('reads only the lock bodies it needs, once (versions are immutable)', async () => {
    useBackends([{ id: 'w', bucket, useLockfile: true }]);
    resetAwsCallCounts();
    await listVersions(getBackend('w'), key, { writers: true });
    // The plan's lock covered no write, so its body is never read; bodies are cached by version ID.
    expect(awsCallCounts()['s3:GetObject'] ?? 0).toBe(0);
    expect(awsCallCounts()['s3:ListObjectVersions']).toBe(1);
  });

  it('says why writers are unknown without any lock history', async () => {
    const b = uniqueName('nolocks');
    await w.createBucket(b);
    await w.putState(b, key, stateDocument({ serial: 1, lineage: LINEAGE }));
    useBackends([{ id: 'n', bucket: b }]);
    const result = await listVersions(getBackend('n'), key, { writers: true });
    expect(result.versions[0]).toMatchObject({ writer: null, attribution: 'none' });
    expect(result.lockHistory?.note).toMatch(/No \.tflock history/);
  });
});

describe('several lock cycles', () => {
  it('reads one lock body per attributed version, newest writer first', async () => {
    const bucket = uniqueName('manylocks');
    const key = 'm.tfstate';
    await w.createBucket(bucket);
    // One lock → write → unlock cycle per second, as three quick applies would do.
    const infos = Array.from({ length: 3 }, (_, i) => TerraformWriter.lockInfo(bucket, key, { who: `u${i}@h` }));
    await mapLimit(infos, 1, async (info) => {
      await nextSecond();
      await w.lockFile(bucket, key, info);
      await w.putState(bucket, key, stateDocument({ serial: 1, lineage: LINEAGE }));
      await w.unlockFile(bucket, key);
    });
    useBackends([{ id: 'm', bucket }]);
    resetAwsCallCounts();
    const result = await listVersions(getBackend('m'), key, { writers: true });
    expect(result.versions.map((v) => v.writer?.who)).toEqual(['u2@h', 'u1@h', 'u0@h']);
    expect(awsCallCounts()['s3:GetObject']).toBe(3);
  }, 30_000);
});
