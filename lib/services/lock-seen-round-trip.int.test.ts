/**
 * Issue 22, "one contract": what `GET /locks` returns is what every endpoint taking a lock's `seen`
 * accepts. Real locks of every kind the listing knows (dual mode, a `.tflock` alone, a DynamoDB item
 * alone, a malformed `Info` without ID, a non-string `Info`, an oversized `Info`) are written through
 * the protocol, listed through the real route, and each lock's `{key, id, seen}` is posted as listed
 * (JSON in, JSON out: nothing picked or renamed) to `POST …/unlock` and `POST …/unlock-many`.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as locksRoute } from '@/app/api/backends/[id]/locks/route';
import { POST as unlockRoute } from '@/app/api/backends/[id]/unlock/route';
import { POST as unlockManyRoute } from '@/app/api/backends/[id]/unlock-many/route';
import { bulkUnlockConfirmation } from '../api/bulk-unlock-rules';
import type { Lock } from '../api/locks';
import { marshalLockInfo } from '../terraform/lock-info';
import { lockPath } from '../terraform/paths';
import { useBackends } from '../testing/integration-env';
import { APP_ORIGIN, callMutation, readLockfile, readLockItem } from '../testing/mutation-requests';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const w = new TerraformWriter();
afterAll(() => w.destroy());
const bucket = uniqueName('seen');
const table = uniqueName('seentable');

/** Every kind of lock the listing reports, under `prefix`. */
async function seedLocks(prefix: string): Promise<string[]> {
  const k = (name: string) => `${prefix}/${name}/terraform.tfstate`;
  await w.lockBoth(table, bucket, k('dual'), TerraformWriter.lockInfo(bucket, k('dual')));
  await w.lockFile(bucket, k('file-only'), TerraformWriter.lockInfo(bucket, k('file-only')));
  await w.lockDynamo(table, bucket, k('item-only'), TerraformWriter.lockInfo(bucket, k('item-only')));
  await w.lockDynamo(table, bucket, k('malformed'), '{"Who": "half-written');
  await w.ddb.send(new PutItemCommand({ TableName: table, Item: { LockID: { S: lockPath(bucket, k('numeric')) }, Info: { N: '42' } } }));
  await w.lockDynamo(table, bucket, k('oversized'), marshalLockInfo({ ...TerraformWriter.lockInfo(bucket, k('oversized')), info: 'x'.repeat(40_000) }));
  return ['dual', 'file-only', 'item-only', 'malformed', 'numeric', 'oversized'].map(k);
}

/** The locks under `prefix` exactly as the route answers (parsed from its JSON body). */
async function listed(prefix: string): Promise<Lock[]> {
  const res = await locksRoute(new Request(`${APP_ORIGIN}/api/backends/main/locks`), { params: Promise.resolve({ id: 'main' }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { locks: Lock[] }).locks.filter((l) => l.key.startsWith(`${prefix}/`));
}

/** A lock as a request names it: its key, ID and `seen` untouched; its side when it has one. */
function asListed(lock: Lock) {
  return { key: lock.key, id: lock.id, seen: lock.seen, ...(lock.sources.length === 1 ? { source: lock.sources[0] } : {}) };
}

async function expectAllReleased(keys: string[]) {
  for (const key of keys) {
    expect(await readLockItem(w, table, bucket, key), key).toBeUndefined();
    expect(await readLockfile(w, bucket, key), key).toBeNull();
  }
}

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createTable(table);
  useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: true }]);
});

describe('a lock\u2019s `seen` round-trips from GET /locks', () => {
  it('listing carries every field the schema knows (lockfileBody, dynamodbInfoJson, dynamodbInfoSha256 included)', async () => {
    const keys = await seedLocks('fields');
    const locks = await listed('fields');
    expect(locks.map((l) => l.key).sort()).toEqual([...keys].sort());
    const fields = new Set(locks.flatMap((l) => Object.keys(l.seen)));
    expect([...fields].sort()).toEqual(['dynamodbInfo', 'dynamodbInfoJson', 'dynamodbInfoSha256', 'lockfileBody', 'lockfileEtag']);
  });

  it('POST …/unlock accepts each listed lock as is', async () => {
    const keys = await seedLocks('single');
    const locks = await listed('single');
    expect(locks).toHaveLength(keys.length);
    for (const lock of locks) {
      const res = await callMutation(unlockRoute, 'unlock', 'main', { ...asListed(lock), reason: 'round trip' });
      expect([lock.key, res.status, res.body.error?.message]).toEqual([lock.key, 200, undefined]);
    }
    await expectAllReleased(keys);
  });

  it('POST …/unlock-many accepts the listed locks as is', async () => {
    const keys = await seedLocks('bulk');
    const locks = await listed('bulk');
    expect(locks).toHaveLength(keys.length);
    const res = await callMutation(unlockManyRoute, 'unlock-many', 'main', { reason: 'round trip', confirmation: bulkUnlockConfirmation(locks.length), locks: locks.map(asListed) });
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ partial: false, counts: { released: keys.length } });
    await expectAllReleased(keys);
  });
});
