/**
 * Oversized lock bodies: a 20 MB `.tflock` and a 300 KB DynamoDB `Info` are shown cut and flagged
 * `oversized` (with their size), never sent in full on a poll, and can still be force-unlocked by
 * what was seen (the ETag; the SHA-256 of the Info); a changed oversized Info is a 409.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as locksRoute } from '@/app/api/backends/[id]/locks/route';
import { POST as unlockRoute } from '@/app/api/backends/[id]/unlock/route';
import { unlockRequestFor } from '../queries/unlock';
import { marshalLockInfo } from '../terraform/lock-info';
import type { Lock } from '../terraform/locks';
import { useBackends } from '../testing/integration-env';
import { APP_ORIGIN, callMutation, readLockfile, readLockItem } from '../testing/mutation-requests';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const w = new TerraformWriter();
afterAll(() => w.destroy());
const bucket = uniqueName('oversized');
const table = uniqueName('oversizedtable');

function hugeInfo(key: string, bytes: number): string {
  const info = TerraformWriter.lockInfo(bucket, key);
  return marshalLockInfo({ ...info, info: 'x'.repeat(bytes) });
}

async function locks(): Promise<{ text: string; locks: Lock[] }> {
  const res = await locksRoute(new Request(`${APP_ORIGIN}/api/backends/o/locks`), { params: Promise.resolve({ id: 'o' }) });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, locks: (JSON.parse(text) as { locks: Lock[] }).locks };
}

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createTable(table);
  useBackends([{ id: 'o', bucket, dynamodbTable: table, useLockfile: false }]);
});

describe('oversized lock bodies', () => {
  it('a 20 MB .tflock: the /locks answer stays small and the lock can still be force-unlocked', async () => {
    useBackends([{ id: 'o', bucket, useLockfile: true }]);
    const key = 'huge/terraform.tfstate';
    await w.lockFile(bucket, key, hugeInfo(key, 20 * 1024 * 1024));
    const { text, locks: listed } = await locks();
    const lock = listed.find((l) => l.key === key)!;
    console.info(`[oversized] /locks answer with a 20 MB .tflock: ${text.length} bytes`);
    expect(text.length).toBeLessThan(100_000);
    expect(lock.problems).toContain('oversized');
    expect(lock.oversizedBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(lock.info.length).toBeLessThan(1100);
    expect(lock.seen.lockfileBody).toBeUndefined();
    const res = await callMutation(unlockRoute, 'unlock', 'o', unlockRequestFor(lock, 'junk lock'));
    expect(res.status).toBe(200);
    expect(await readLockfile(w, bucket, key)).toBeNull();
  });

  it('a 300 KB DynamoDB Info: matched by its SHA-256; a changed one is a 409', async () => {
    useBackends([{ id: 'o', bucket, dynamodbTable: table, useLockfile: false }]);
    const key = 'bigitem/terraform.tfstate';
    await w.lockDynamo(table, bucket, key, hugeInfo(key, 300 * 1024));
    const lock = (await locks()).locks.find((l) => l.key === key)!;
    expect(lock.problems).toContain('oversized');
    expect(lock.seen.dynamodbInfo).toBeUndefined();
    expect(lock.seen.dynamodbInfoSha256).toMatch(/^[0-9a-f]{64}$/);

    // Replaced meanwhile by another oversized Info with the same ID: refused, the new value stays.
    const info = JSON.parse(hugeInfo(key, 300 * 1024)) as Record<string, string>;
    const replaced = JSON.stringify({ ...info, ID: lock.id, Info: 'y'.repeat(300 * 1024) });
    await w.unlockDynamo(table, bucket, key);
    await w.lockDynamo(table, bucket, key, replaced);
    expect((await callMutation(unlockRoute, 'unlock', 'o', unlockRequestFor(lock, 'stale'))).status).toBe(409);
    expect(await readLockItem(w, table, bucket, key)).toBe(replaced);

    const fresh = (await locks()).locks.find((l) => l.key === key)!;
    expect((await callMutation(unlockRoute, 'unlock', 'o', unlockRequestFor(fresh, 'stale'))).status).toBe(200);
    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
  });
});
