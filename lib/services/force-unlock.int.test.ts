import crypto from 'node:crypto';
import { GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListObjectVersionsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { POST as unlockRoute } from '@/app/api/backends/[id]/unlock/route';
import { getBackend } from '../server/backends';
import { AppError } from '../api/errors';
import { marshalLockInfo, type LockInfo } from '../terraform/lock-info';
import { lockfileKey, lockPath } from '../terraform/paths';
import { faults } from '../server/faults';
import { useBackends } from '../testing/integration-env';
import { callMutation, headObject, readAuditObjects, readDigestItem, readLockfile, readLockItem } from '../testing/mutation-requests';
import { stateDocument, TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { forceUnlock } from './force-unlock';
import { listLocks } from './list-locks';

const w = new TerraformWriter();
afterAll(() => w.destroy());
afterEach(() => faults.reset());

const bucket = uniqueName('unlock');
const table = uniqueName('unlocktable');
const fileBucket = uniqueName('unlockfile');
const md5 = (text: string) => crypto.createHash('md5').update(text, 'utf8').digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function useDefault(extra: Record<string, unknown> = {}) {
  useBackends(
    [
      { id: 'main', bucket, dynamodbTable: table, useLockfile: true },
      { id: 'ddb', bucket, dynamodbTable: table, useLockfile: false },
      { id: 'files', bucket: fileBucket },
    ],
    extra,
  );
}

const unlock = (body: unknown, backendId = 'main', opts = {}) => callMutation(unlockRoute, 'unlock', backendId, body, opts);

/** The lock as the locks page shows it (with its `seen`), found by state key and source. */
async function listed(backendId: string, key: string, source?: 'dynamodb' | 's3') {
  const { locks } = await listLocks(getBackend(backendId));
  const lock = locks.find((l) => l.key === key && (!source || l.sources.includes(source)));
  if (!lock) throw new Error(`no listed lock on ${key}`);
  return lock;
}

async function auditFor(key: string) {
  return (await readAuditObjects(w, bucket, 'lockboard-audit/')).filter((r) => r.key === key);
}

beforeAll(async () => {
  // Each audit record is also a JSON log line; keep the test output readable.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createBucket(fileBucket);
  await w.createTable(table);
});

beforeEach(() => useDefault());

describe('force-unlock through POST /api/backends/{id}/unlock', () => {
  it('releases a dual-mode lock on both sides and touches neither the digest nor the state', async () => {
    const key = 'app/terraform.tfstate';
    const state = await w.putState(bucket, key, stateDocument({ serial: 3, lineage: 'l-1' }), table);
    const info = TerraformWriter.lockInfo(bucket, key, { who: 'alice@laptop' }, Date.now() - 3 * 3600_000);
    await w.lockBoth(table, bucket, key, info);
    const lock = await listed('main', key);
    expect(lock.sources).toEqual(['dynamodb', 's3']);

    const res = await unlock({ key, id: lock.id, reason: 'apply killed by CI timeout', seen: lock.seen });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ unlocked: true, sources: ['dynamodb', 's3'], alreadyReleased: [] });

    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
    expect(await readLockfile(w, bucket, key)).toBeNull();
    expect(await readDigestItem(w, table, bucket, key)).toBe(state.md5);
    expect(await headObject(w, bucket, key)).toEqual({ etag: state.md5, versionId: state.versionId });
    // The .tflock's version is kept: the delete only added a marker, as Terraform's own unlock does.
    const versions = await w.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: lockfileKey(key) }));
    expect(versions.Versions?.filter((v) => v.Key === lockfileKey(key))).toHaveLength(1);
    expect(versions.DeleteMarkers?.filter((v) => v.Key === lockfileKey(key))).toHaveLength(1);

    const [record] = await auditFor(key);
    expect(record).toMatchObject({ action: 'force-unlock', user: 'anonymous', backend: 'main', reason: 'apply killed by CI timeout', outcome: 'succeeded', errorCode: null });
    expect(record?.seen).toMatchObject({ id: info.id, dynamodbInfo: marshalLockInfo(info), lockfileEtag: md5(marshalLockInfo(info)) });
    expect(record?.details).toMatchObject({ released: ['dynamodb', 's3'] });
    expect(res.body).toMatchObject({ auditId: record!.id });

    // The lock is gone from the listing too (the snapshot cache was dropped).
    expect((await listLocks(getBackend('main'))).locks.some((l) => l.key === key)).toBe(false);
  });

  it('answers 404 lock_not_found for a lock that is already released, and records it', async () => {
    const key = 'gone/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key);
    await w.lockBoth(table, bucket, key, info);
    const lock = await listed('main', key);
    await w.unlockDynamo(table, bucket, key);
    await w.unlockFile(bucket, key);
    const res = await unlock({ key, id: lock.id, reason: 'stale', seen: lock.seen });
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('lock_not_found');
    const records = await auditFor(key);
    expect(records.map((r) => [r.outcome, r.errorCode])).toEqual([['failed', 'lock_not_found']]);
  });

  it('answers 409 with the new holder when the lock was replaced before the request, which survives', async () => {
    const key = 'replaced/terraform.tfstate';
    const old = TerraformWriter.lockInfo(bucket, key, { who: 'old@run' });
    await w.lockBoth(table, bucket, key, old);
    const seen = (await listed('main', key)).seen;
    await w.unlockDynamo(table, bucket, key);
    await w.unlockFile(bucket, key);
    const next = TerraformWriter.lockInfo(bucket, key, { who: 'new@run', operation: 'OperationTypePlan' });
    await w.lockBoth(table, bucket, key, next);

    const res = await unlock({ key, id: old.id, reason: 'stale', seen });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('lock_changed');
    expect(res.body.error?.current).toMatchObject({ id: next.id, who: 'new@run', operation: 'OperationTypePlan', sources: ['dynamodb', 's3'] });
    expect(await readLockItem(w, table, bucket, key)).toBe(marshalLockInfo(next));
    expect(await readLockfile(w, bucket, key)).toBe(marshalLockInfo(next));
    const [record] = await auditFor(key);
    expect(record).toMatchObject({ outcome: 'failed', errorCode: 'lock_changed' });
  });

  it('with only the lock ID (no seen), releases the sides holding that ID', async () => {
    const key = 'idonly/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key);
    await w.lockBoth(table, bucket, key, info);
    const res = await unlock({ key, id: info.id, reason: 'cli user' });
    expect(res.status).toBe(200);
    expect(res.body.sources).toEqual(['dynamodb', 's3']);
    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
    expect(await readLockfile(w, bucket, key)).toBeNull();
  });

  it('releases a DynamoDB-only lock and a .tflock-only lock', async () => {
    const dKey = 'ddbonly/terraform.tfstate';
    const dInfo = TerraformWriter.lockInfo(bucket, dKey);
    await w.lockDynamo(table, bucket, dKey, dInfo);
    const d = await listed('ddb', dKey);
    expect((await unlock({ key: dKey, id: d.id, reason: 'r', seen: d.seen }, 'ddb')).body).toMatchObject({ unlocked: true, sources: ['dynamodb'] });
    expect(await readLockItem(w, table, bucket, dKey)).toBeUndefined();

    const fKey = 'env:/prod/net/terraform.tfstate';
    const fInfo = TerraformWriter.lockInfo(fileBucket, fKey);
    await w.lockFile(fileBucket, fKey, fInfo);
    const f = await listed('files', fKey);
    expect((await unlock({ key: fKey, id: f.id, reason: 'r', seen: f.seen }, 'files')).body).toMatchObject({ unlocked: true, sources: ['s3'] });
    expect(await readLockfile(w, fileBucket, fKey)).toBeNull();
  });

  it('releases a split lock one side at a time, leaving the other lock alone', async () => {
    const key = 'split/terraform.tfstate';
    const onTable = TerraformWriter.lockInfo(bucket, key, { who: 'table@run' });
    const onFile = TerraformWriter.lockInfo(bucket, key, { who: 'file@run' });
    await w.lockDynamo(table, bucket, key, onTable);
    await w.lockFile(bucket, key, onFile);
    const dSide = await listed('main', key, 'dynamodb');
    const fSide = await listed('main', key, 's3');
    expect(dSide.problems).toContain('split_lock');

    const first = await unlock({ key, id: dSide.id, reason: 'split', source: 'dynamodb', seen: dSide.seen });
    expect(first.status).toBe(200);
    expect(first.body.sources).toEqual(['dynamodb']);
    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
    expect(await readLockfile(w, bucket, key)).toBe(marshalLockInfo(onFile));

    // The wrong ID for the remaining side is a conflict, not a release.
    const wrong = await unlock({ key, id: dSide.id, reason: 'split', source: 's3' });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error?.current?.id).toBe(onFile.id);
    expect(await readLockfile(w, bucket, key)).toBe(marshalLockInfo(onFile));

    const second = await unlock({ key, id: fSide.id, reason: 'split', source: 's3', seen: fSide.seen });
    expect(second.body).toMatchObject({ unlocked: true, sources: ['s3'] });
    expect(await readLockfile(w, bucket, key)).toBeNull();
  });

  it('removes malformed locks by the raw value seen, and only that value', async () => {
    const bad = 'malformed/bad-json/terraform.tfstate';
    const noInfo = 'malformed/no-info/terraform.tfstate';
    const badFile = 'malformed/bad-file/terraform.tfstate';
    await w.putRawItem(table, { LockID: lockPath(bucket, bad), Info: '{not json' });
    await w.putRawItem(table, { LockID: lockPath(bucket, noInfo) });
    await w.lockFile(bucket, badFile, 'garbage');

    const b = await listed('main', bad);
    expect(b.id).toBe('');
    expect(b.seen.dynamodbInfo).toBe('{not json');
    // Replaced by other garbage: refused.
    await w.putRawItem(table, { LockID: lockPath(bucket, bad), Info: '{other garbage' });
    const refused = await unlock({ key: bad, id: '', reason: 'broken', seen: b.seen });
    expect(refused.status).toBe(409);
    expect(await readLockItem(w, table, bucket, bad)).toBe('{other garbage');
    const again = await listed('main', bad);
    expect((await unlock({ key: bad, id: '', reason: 'broken', seen: again.seen })).status).toBe(200);
    expect(await readLockItem(w, table, bucket, bad)).toBeUndefined();

    const n = await listed('main', noInfo);
    expect(n.seen.dynamodbInfo).toBeNull();
    expect((await unlock({ key: noInfo, id: '', reason: 'broken', seen: n.seen })).body).toMatchObject({ unlocked: true, sources: ['dynamodb'] });
    expect(await readLockItem(w, table, bucket, noInfo)).toBeUndefined();

    // An Info that is not a string (number, map, NULL): removable by the exact attribute seen.
    const typed: Array<[string, AttributeValue, AttributeValue]> = [
      ['malformed/number/terraform.tfstate', { N: '42' }, { N: '43' }],
      ['malformed/map/terraform.tfstate', { M: { ID: { S: 'x' }, n: { N: '1' } } }, { M: { ID: { S: 'x' }, n: { N: '2' } } }],
      ['malformed/null/terraform.tfstate', { NULL: true }, { S: TerraformWriter.lockInfo(bucket, 'x').id }],
    ];
    for (const [typedKey, value, replacement] of typed) {
      await w.ddb.send(new PutItemCommand({ TableName: table, Item: { LockID: { S: lockPath(bucket, typedKey) }, Info: value } }));
      const seenTyped = await listed('main', typedKey);
      expect(seenTyped.seen.dynamodbInfoJson, typedKey).toBeDefined();
      expect(seenTyped.problems).toContain('malformed_info');
      // Replaced in between: refused, the new value stays.
      await w.ddb.send(new PutItemCommand({ TableName: table, Item: { LockID: { S: lockPath(bucket, typedKey) }, Info: replacement } }));
      const changed = await unlock({ key: typedKey, id: '', reason: 'broken', seen: seenTyped.seen });
      expect(changed.status, typedKey).toBe(409);
      expect((await w.ddb.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: lockPath(bucket, typedKey) } }, ConsistentRead: true }))).Item?.Info).toEqual(replacement);
      // Put back what was seen: removed by exactly that value.
      await w.ddb.send(new PutItemCommand({ TableName: table, Item: { LockID: { S: lockPath(bucket, typedKey) }, Info: value } }));
      const removed = await unlock({ key: typedKey, id: '', reason: 'broken', seen: seenTyped.seen });
      expect(removed.status, typedKey).toBe(200);
      expect(removed.body).toMatchObject({ unlocked: true, sources: ['dynamodb'] });
      expect(await readLockItem(w, table, bucket, typedKey)).toBeUndefined();
    }

    const f = await listed('main', badFile);
    expect((await unlock({ key: badFile, id: '', reason: 'broken', seen: f.seen })).body).toMatchObject({ unlocked: true, sources: ['s3'] });
    expect(await readLockfile(w, bucket, badFile)).toBeNull();
  });

  it('answers 400 for malformed bodies, records the refusal, and changes nothing', async () => {
    const key = 'badbody/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key);
    await w.lockBoth(table, bucket, key, info);
    const cases: Array<[unknown, string?]> = [
      [{ key, id: info.id }],
      [{ key, id: info.id, reason: '   ' }],
      [{ key, id: '', reason: 'no id' }],
      [{ key, id: info.id, reason: 'r', source: 'consul' }],
      [{ key, id: 42, reason: 'r' }],
      [null, `{"key":"${key}", oops`],
    ];
    for (const [body, raw] of cases) {
      const res = await unlock(body, 'main', raw ? { rawBody: raw } : {});
      expect(res.status, JSON.stringify(body ?? raw)).toBe(400);
      expect(res.body.error?.code).toBe('bad_request');
    }
    expect(await readLockItem(w, table, bucket, key)).toBe(marshalLockInfo(info));
    expect(await readLockfile(w, bucket, key)).toBe(marshalLockInfo(info));
    const records = await auditFor(key);
    // The unparsable body names no key, so it is recorded without one; the five others carry it.
    expect(records).toHaveLength(5);
    expect(records.every((r) => r.outcome === 'refused' && r.errorCode === 'bad_request')).toBe(true);
  });

  it('answers 404 for an unknown backend', async () => {
    const res = await unlock({ key: 'x', id: 'y', reason: 'r' }, 'nope');
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('backend_not_found');
  });
});

describe('force-unlock races', () => {
  it('refuses when the lock is replaced between the read and the conditional delete (each mechanism)', async () => {
    for (const [backendId, sides] of [
      ['main', 'both'],
      ['ddb', 'dynamodb'],
      ['files', 's3'],
    ] as const) {
      const backend = getBackend(backendId);
      const key = `seam/${backendId}/terraform.tfstate`;
      const old = TerraformWriter.lockInfo(backend.bucket, key, { who: 'old@run' });
      const next = TerraformWriter.lockInfo(backend.bucket, key, { who: 'new@run' });
      if (sides !== 's3') await w.lockDynamo(table, backend.bucket, key, old);
      if (sides !== 'dynamodb') await w.lockFile(backend.bucket, key, old);
      const seen = {
        ...(sides !== 's3' ? { dynamodbInfo: marshalLockInfo(old) } : {}),
        ...(sides !== 'dynamodb' ? { lockfileEtag: md5(marshalLockInfo(old)) } : {}),
      };
      // The old run ends and a new one locks, exactly after Lockboard read and checked the old lock.
      const replace = async () => {
        if (sides !== 's3') await w.unlockDynamo(table, backend.bucket, key);
        if (sides !== 'dynamodb') await w.unlockFile(backend.bucket, key);
        if (sides !== 'dynamodb') await w.lockFile(backend.bucket, key, next);
        if (sides !== 's3') await w.lockDynamo(table, backend.bucket, key, next);
      };
      faults.arm('unlock:after-read', replace);
      const err = await forceUnlock(backend, { key, id: old.id, seen }).catch((e: unknown) => e);
      faults.reset();
      expect(err, backendId).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('lock_changed');
      expect((err as AppError).details.current).toMatchObject({ id: next.id, who: 'new@run' });
      if (sides !== 's3') expect(await readLockItem(w, table, backend.bucket, key)).toBe(marshalLockInfo(next));
      if (sides !== 'dynamodb') expect(await readLockfile(w, backend.bucket, key)).toBe(marshalLockInfo(next));
    }
  });

  it('never deletes a newer lock: 50 rounds with a writer replacing the lock during the unlock', async () => {
    const outcomes: Record<number, number> = {};
    for (let round = 0; round < 50; round++) {
      const key = `race/${round}/terraform.tfstate`;
      const old: LockInfo = TerraformWriter.lockInfo(bucket, key, { who: 'old@run' });
      const next: LockInfo = TerraformWriter.lockInfo(bucket, key, { who: 'new@run' });
      const oldJson = marshalLockInfo(old);
      const nextJson = marshalLockInfo(next);
      await w.lockBoth(table, bucket, key, old);
      const writer = async () => {
        // Spread the writer over the unlock's read → check → delete window.
        await sleep((round * 7) % 23);
        if (round % 2 === 0) {
          // The old run releases as Terraform does (unconditionally) and a new run locks.
          await w.unlockDynamo(table, bucket, key);
          await w.unlockFile(bucket, key);
          await w.lockBoth(table, bucket, key, next);
        } else {
          // Someone overwrites the lock in place on both sides.
          await w.putRawItem(table, { LockID: lockPath(bucket, key), Info: nextJson });
          await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: lockfileKey(key), Body: nextJson, ContentType: 'application/json' }));
        }
      };
      const [res] = await Promise.all([unlock({ key, id: old.id, reason: `race ${round}`, seen: { dynamodbInfo: oldJson, lockfileEtag: md5(oldJson) } }), writer()]);
      outcomes[res.status] = (outcomes[res.status] ?? 0) + 1;
      expect([200, 404, 409], `round ${round}: ${JSON.stringify(res.body)}`).toContain(res.status);
      if (res.status === 409) expect(res.body.error?.current?.id).toBe(next.id);
      // The newer lock is intact on both sides, byte for byte, whatever the interleaving.
      expect(await readLockItem(w, table, bucket, key), `round ${round}`).toBe(nextJson);
      expect(await readLockfile(w, bucket, key), `round ${round}`).toBe(nextJson);
    }
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(50);
    // Every attempt is on the record with its final outcome.
    const records = (await readAuditObjects(w, bucket, 'lockboard-audit/main/')).filter((r) => r.key?.startsWith('race/'));
    expect(records).toHaveLength(50);
    expect(records.every((r) => r.outcome === 'succeeded' || (r.outcome === 'failed' && ['lock_changed', 'lock_not_found'].includes(r.errorCode ?? '')))).toBe(true);
    console.info(`[race] outcomes by HTTP status over 50 rounds: ${JSON.stringify(outcomes)}`);
  });
});
