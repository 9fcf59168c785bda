import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as lastWritersRoute } from '@/app/api/backends/[id]/last-writers/route';
import { AppError } from '../api/errors';
import { getBackend } from '../server/backends';
import { awsCallCounts, resetAwsCallCounts } from '../server/metrics';
import { useBackends } from '../testing/integration-env';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { lastWriters } from './last-writers';
import { restoreMarks } from './restore-marks';
import { restoreVersion } from './restore-version';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nextSecond = () => sleep(1000 - (Date.now() % 1000) + 60);
const LINEAGE = 'a1b2c3d4-0000-4000-8000-0000000000aa';
const OPERATOR = 'José Müller <ops>';

describe('last writer of each state (lock-file backend)', () => {
  const bucket = uniqueName('lastwriters');
  const keys = { locked: 'a/terraform.tfstate', unlocked: 'b/terraform.tfstate', restored: 'c/terraform.tfstate' };
  const alice = TerraformWriter.lockInfo(bucket, keys.locked, { who: 'alice@laptop', operation: 'OperationTypeApply' });
  let restoredVersion = '';

  beforeAll(async () => {
    await w.createBucket(bucket);
    useBackends([{ id: 'lf', bucket, useLockfile: true }]);
    // a: terraform apply under a .tflock lock.
    await w.lockFile(bucket, keys.locked, alice);
    await w.putState(bucket, keys.locked, stateDocument({ serial: 1, lineage: LINEAGE }));
    await w.unlockFile(bucket, keys.locked);
    // b: one locked cycle (so the history covers the key), then a write with no lock, well outside it.
    await w.lockFile(bucket, keys.unlocked, TerraformWriter.lockInfo(bucket, keys.unlocked, { who: 'bob@ci' }));
    await w.putState(bucket, keys.unlocked, stateDocument({ serial: 1, lineage: LINEAGE }));
    await w.unlockFile(bucket, keys.unlocked);
    // c: two versions, then a Lockboard restore of the first by an operator with non-ASCII characters.
    const first = await w.putState(bucket, keys.restored, stateDocument({ serial: 1, lineage: LINEAGE }));
    const second = await w.putState(bucket, keys.restored, stateDocument({ serial: 2, lineage: LINEAGE }));
    await sleep(3100);
    await nextSecond();
    await w.putState(bucket, keys.unlocked, stateDocument({ serial: 2, lineage: LINEAGE }));
    const restored = await restoreVersion(getBackend('lf'), { key: keys.restored, versionId: first.versionId!, expectedCurrentVersionId: second.versionId! }, { user: OPERATOR });
    restoredVersion = restored.versionId;
  }, 60_000);

  it('names the lock holder, says "no lock held" for a write without a lock, and the operator of a restore', async () => {
    useBackends([{ id: 'lf', bucket, useLockfile: true }]);
    const result = await lastWriters(getBackend('lf'), [...Object.values(keys), 'gone/terraform.tfstate']);
    const byKey = new Map(result.writers.map((r) => [r.key, r]));
    expect(byKey.get(keys.locked)).toMatchObject({ attribution: 'lock', writer: { id: alice.id, who: 'alice@laptop', operation: 'OperationTypeApply' } });
    expect(byKey.get(keys.unlocked)).toMatchObject({ attribution: 'no_lock_held', writer: null, lockHistoryEntries: 2 });
    expect(byKey.get(keys.restored)).toMatchObject({ attribution: 'lockboard_restore', versionId: restoredVersion, writer: { who: OPERATOR, operation: 'lockboard-restore' } });
    expect(result.missing).toEqual(['gone/terraform.tfstate']);
    expect(result.unreadable).toEqual([]);
  });

  it('stores the operator as ASCII S3 metadata that decodes back, and restore marks carry it', async () => {
    const head = await w.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: keys.restored, VersionId: restoredVersion }));
    expect(head.Metadata?.['lockboard-restored-by']).toBe('Jos%C3%A9%20M%C3%BCller%20<ops>');
    const marks = await restoreMarks(getBackend('lf'), keys.restored, [restoredVersion]);
    expect(marks.restoredBy[restoredVersion]).toEqual({ by: OPERATOR, lockId: head.Metadata?.['lockboard-lock-id'] });
  });

  it('costs nothing more once a version was attributed (cached by key, ETag and LastModified)', async () => {
    useBackends([{ id: 'lf', bucket, useLockfile: true }]);
    const later = Date.now() + 60_000;
    await lastWriters(getBackend('lf'), Object.values(keys), later);
    resetAwsCallCounts();
    const again = await lastWriters(getBackend('lf'), Object.values(keys), later);
    expect(again.writers).toHaveLength(3);
    const counts = awsCallCounts();
    expect([counts['s3:ListObjectVersions'] ?? 0, counts['s3:HeadObject'] ?? 0, counts['s3:GetObject'] ?? 0]).toEqual([0, 0, 0]);
  });

  it('answers through the route, refusing a key that is not a state and too many keys', async () => {
    useBackends([{ id: 'lf', bucket, useLockfile: true }]);
    const url = (q: string) => new Request(`http://localhost/api/backends/lf/last-writers?${q}`);
    const ctx = { params: Promise.resolve({ id: 'lf' }) };
    const ok = await lastWritersRoute(url(`k=${encodeURIComponent(keys.locked)}`), ctx);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { writers: Array<{ key: string }> }).writers.map((r) => r.key)).toEqual([keys.locked]);
    expect((await lastWritersRoute(url('k=a/x.tflock'), ctx)).status).toBe(400);
    expect((await lastWritersRoute(url(Array.from({ length: 51 }, (_, i) => `k=k${i}.tfstate`).join('&')), ctx)).status).toBe(400);
    expect((await lastWritersRoute(url(''), ctx)).status).toBe(400);
  });
});

describe('last writer on a DynamoDB-only backend', () => {
  const bucket = uniqueName('lastwritersddb');
  const table = uniqueName('lastwriterstable');
  const key = 'd/terraform.tfstate';

  beforeAll(async () => {
    await w.createBucket(bucket);
    await w.createTable(table);
    await w.putState(bucket, key, stateDocument({ serial: 1, lineage: LINEAGE }), table);
  }, 30_000);

  it('is unknown with no lock history (the lock item is deleted on release), never "no lock held"', async () => {
    useBackends([{ id: 'dd', bucket, dynamodbTable: table }]);
    const result = await lastWriters(getBackend('dd'), [key]);
    expect(result.writers[0]).toMatchObject({ key, attribution: 'none', writer: null, lockHistoryEntries: 0 });
  });

  it('rejects keys that are not state keys of the backend', async () => {
    useBackends([{ id: 'dd', bucket, dynamodbTable: table }]);
    const e = await lastWriters(getBackend('dd'), ['d/terraform.tfstate.tflock']).catch((x: unknown) => x);
    expect((e as AppError).code).toBe('bad_request');
  });
});
