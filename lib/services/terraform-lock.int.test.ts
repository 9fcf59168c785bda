/**
 * The two-sided lock module against moto: taking a dual-mode lock, recognising our own write when a
 * retried conditional write answers "already exists", giving back the first side when the second is
 * held, and releasing only what is ours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend } from '../server/backends';
import { marshalLockInfo } from '../terraform/lock-info';
import { useBackends } from '../testing/integration-env';
import { readLockfile, readLockItem } from '../testing/mutation-requests';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { locksNow, releaseLock, takeLock } from './terraform-lock';

const w = new TerraformWriter();
afterAll(() => w.destroy());

const bucket = uniqueName('tlock');
const table = uniqueName('tlocktable');

beforeAll(async () => {
  await w.createBucket(bucket);
  await w.createTable(table);
  useBackends([{ id: 'dual', bucket, dynamodbTable: table, useLockfile: true }]);
});

describe('takeLock / releaseLock', () => {
  it('takes both sides with the same JSON and releases exactly them', async () => {
    const key = 'take/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key, { who: 'me@lockboard' });
    const taken = await takeLock(getBackend('dual'), key, info);
    expect(taken.taken).toBe(true);
    if (!taken.taken) return;
    expect(await readLockItem(w, table, bucket, key)).toBe(marshalLockInfo(info));
    expect(await readLockfile(w, bucket, key)).toBe(marshalLockInfo(info));
    expect((await locksNow(getBackend('dual'), key)).map((l) => [l.id, l.sources])).toEqual([[info.id, ['dynamodb', 's3']]]);
    expect(await releaseLock(getBackend('dual'), key, taken.held)).toEqual({ released: true, notes: [], held: true });
    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
    expect(await readLockfile(w, bucket, key)).toBeNull();
  });

  it('"already exists" holding our own lock ID (a retried write that had landed) is success, not a conflict', async () => {
    const key = 'retried/terraform.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key, { who: 'me@lockboard' });
    // Both writes landed, their answers were lost: the retry meets our own lock on both sides.
    await w.lockBoth(table, bucket, key, info);
    const taken = await takeLock(getBackend('dual'), key, info);
    expect(taken.taken).toBe(true);
    if (!taken.taken) return;
    expect(taken.held.dynamodb).toBe(true);
    expect(taken.held.lockfileEtag).not.toBeNull();
    expect((await releaseLock(getBackend('dual'), key, taken.held)).released).toBe(true);
    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
    expect(await readLockfile(w, bucket, key)).toBeNull();
  });

  it("someone else's DynamoDB lock: refused with the holder, and the .tflock we had taken is given back", async () => {
    const key = 'held/terraform.tfstate';
    const other = TerraformWriter.lockInfo(bucket, key, { who: 'runner@ci' });
    await w.lockDynamo(table, bucket, key, other);
    const mine = TerraformWriter.lockInfo(bucket, key, { who: 'me@lockboard' });
    const taken = await takeLock(getBackend('dual'), key, mine);
    expect(taken).toMatchObject({ taken: false, reason: 'held', holder: { id: other.id, who: 'runner@ci' }, gaveBack: { released: true, held: true } });
    expect(await readLockItem(w, table, bucket, key)).toBe(marshalLockInfo(other));
    expect(await readLockfile(w, bucket, key)).toBeNull();
  });

  it("a release never removes someone else's lock that replaced ours", async () => {
    const key = 'replaced/terraform.tfstate';
    const mine = TerraformWriter.lockInfo(bucket, key, { who: 'me@lockboard' });
    const taken = await takeLock(getBackend('dual'), key, mine);
    if (!taken.taken) throw new Error('not taken');
    const other = TerraformWriter.lockInfo(bucket, key, { who: 'runner@ci' });
    await w.unlockDynamo(table, bucket, key);
    await w.unlockFile(bucket, key);
    await w.lockBoth(table, bucket, key, other);
    const release = await releaseLock(getBackend('dual'), key, taken.held);
    expect(release.notes.join(' ')).toMatch(/no longer Lockboard's/);
    expect(await readLockItem(w, table, bucket, key)).toBe(marshalLockInfo(other));
    expect(await readLockfile(w, bucket, key)).toBe(marshalLockInfo(other));
  });
});
