/**
 * Forged freezes (issue 21 item 11): any lock writer can write a lock with Operation
 * `lockboard-freeze` and Who `… via Lockboard`. Such a lock used to be shown as Lockboard's freeze
 * (and bulk unlock skipped it). Now a freeze is Lockboard's only when its signed marker vouches for
 * it: the forged one is an ordinary lock with the problem `unverified_freeze`, unfreeze leaves it
 * alone (force-unlock is its way out), and a real freeze keeps working.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as freezeRoute } from '@/app/api/backends/[id]/freeze/route';
import { POST as unfreezeRoute } from '@/app/api/backends/[id]/unfreeze/route';
import { getBackend } from '../server/backends';
import { clearCache } from '../server/cache';
import { freezeLockInfo, freezeMarkerJson, freezeMarkerKey, freezeOf } from '../terraform/freeze-lock';
import { marshalLockInfo } from '../terraform/lock-info';
import { useBackends } from '../testing/integration-env';
import { callMutation, readLockItem } from '../testing/mutation-requests';
import { TerraformWriter, stateDocument, uniqueName } from '../../scripts/lib/terraform-writer';
import { listLocks } from './list-locks';

const w = new TerraformWriter();
const bucket = uniqueName('forged');
const table = uniqueName('forgedtable');

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createTable(table);
  await w.createBucket(bucket);
  useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: true }]);
  for (const k of ['prod/db', 'prod/app', 'prod/copy']) await w.putState(bucket, `${k}/terraform.tfstate`, stateDocument({ serial: 1, lineage: 'l' }), table);
});
afterAll(() => w.destroy());

const listed = async (key: string) => (await listLocks(getBackend('main'))).locks.find((l) => l.key === key)!;

describe('a lock that only claims to be a freeze', () => {
  it('is an ordinary lock with "unverified_freeze", and unfreeze leaves it alone', async () => {
    const key = 'prod/db/terraform.tfstate';
    // Exactly what Lockboard would write, written by a lock writer instead.
    const forged = freezeLockInfo({ bucket, key, user: 'alice', reason: 'do not touch', reviewBy: null, version: '1.0.0', randomBytes: new Uint8Array(16).fill(9), epochMs: Date.now() - 5 * 3600_000, nanos: 0 });
    await w.lockBoth(table, bucket, key, forged);

    const lock = await listed(key);
    expect(freezeOf(lock)).toBeNull();
    expect(lock.freezeVerified).toBeUndefined();
    expect(lock.problems).toContain('unverified_freeze');
    expect(lock.stale).toBe(true);

    // Even an unsigned marker planted where Lockboard keeps them does not help.
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: freezeMarkerKey('main', forged.id)!, Body: freezeMarkerJson('main', key, forged) }));
    clearCache();
    expect((await listed(key)).problems).toContain('unverified_freeze');

    const un = await callMutation(unfreezeRoute, 'unfreeze', 'main', { reason: 'x', locks: [{ key, id: forged.id }] });
    expect(un.status).toBe(200);
    expect(un.body).toMatchObject({ counts: { not_a_freeze: 1, released: 0 } });
    expect(await readLockItem(w, table, bucket, key)).toBe(marshalLockInfo(forged));
  });

  it('a real freeze is recognised; its lock ID copied onto another state is not', async () => {
    const res = await callMutation(freezeRoute, 'freeze', 'main', { key: 'prod/app/terraform.tfstate', reason: 'release week' });
    expect(res.status).toBe(200);
    const real = await listed('prod/app/terraform.tfstate');
    expect(freezeOf(real)).toEqual({ frozenBy: 'anonymous', reason: 'release week', reviewBy: null });
    expect(real.problems).not.toContain('unverified_freeze');

    const copy = { ...real, path: `${bucket}/prod/copy/terraform.tfstate` };
    await w.lockBoth(table, bucket, 'prod/copy/terraform.tfstate', { id: copy.id, operation: copy.operation, info: copy.info, who: copy.who, version: copy.version, created: copy.created, path: copy.path });
    const copied = await listed('prod/copy/terraform.tfstate');
    expect(freezeOf(copied)).toBeNull();
    expect(copied.problems).toContain('unverified_freeze');

    // Freezing a state that a forged freeze holds says "locked", not "already frozen".
    const again = await callMutation(freezeRoute, 'freeze', 'main', { key: 'prod/db/terraform.tfstate', reason: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('locked');
    // A real one says "already frozen".
    const twice = await callMutation(freezeRoute, 'freeze', 'main', { prefix: 'prod/app/', reason: 'x' });
    expect(twice.body).toMatchObject({ counts: { already_frozen: 1 } });

    const un = await callMutation(unfreezeRoute, 'unfreeze', 'main', { reason: 'done', locks: [{ key: 'prod/app/terraform.tfstate', id: real.id }] });
    expect(un.body).toMatchObject({ counts: { released: 1 } });
  });
});
