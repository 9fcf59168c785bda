/**
 * Bulk force-unlock (issue 15) through the real route, moto and (where present) the real Terraform
 * CLI: several applies on different keys killed at once show as ONE group, one bulk unlock releases
 * them all, and every next `terraform plan` takes its lock. Bad input changes nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { POST as unlockManyRoute } from '@/app/api/backends/[id]/unlock-many/route';
import { BULK_UNLOCK_MAX } from '../api/bulk-unlock';
import { groupLocks } from '../terraform/lock-groups';
import type { Lock } from '../terraform/locks';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { callMutation, readAuditObjects, readLockfile, readLockItem } from '../testing/mutation-requests';
import { TERRAFORM_SKIP_REASON, TerraformDir, pollUntil, terraformInfo, type RunningTerraform } from '../../scripts/lib/terraform-cli';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { listLocks } from './list-locks';
import { getBackend } from '../server/backends';

const w = new TerraformWriter();
const bucket = uniqueName('bulk');
const table = uniqueName('bulktable');

function asBulk(l: Lock) {
  return { key: l.key, id: l.id, seen: { dynamodbInfo: l.seen.dynamodbInfo, lockfileEtag: l.seen.lockfileEtag } };
}

async function bulk(body: unknown) {
  return callMutation(unlockManyRoute, 'unlock-many', 'main', body);
}

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createTable(table);
});

afterAll(() => w.destroy());

describe('POST /api/backends/{id}/unlock-many', () => {
  beforeEach(() => useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: true }]));

  it('refuses an empty selection, one past the limit, a wrong count and a duplicate, touching nothing', async () => {
    const key = 'bad/a.tfstate';
    const info = TerraformWriter.lockInfo(bucket, key);
    await w.lockBoth(table, bucket, key, info);
    const lock = (await listLocks(getBackend('main'))).locks.find((l) => l.key === key)!;

    const empty = await bulk({ reason: 'r', confirmation: 'UNLOCK 0', locks: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error?.message).toContain('select at least one lock');

    const many = Array.from({ length: BULK_UNLOCK_MAX + 1 }, (_, i) => ({ key: `k${i}`, id: `id${i}` }));
    const tooMany = await bulk({ reason: 'r', confirmation: `UNLOCK ${many.length}`, locks: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error?.message).toContain(`at most ${BULK_UNLOCK_MAX}`);

    const wrongCount = await bulk({ reason: 'r', confirmation: 'UNLOCK 2', locks: [asBulk(lock)] });
    expect(wrongCount.status).toBe(400);
    expect(wrongCount.body.error?.message).toContain('UNLOCK 14');

    const dup = await bulk({ reason: 'r', confirmation: 'UNLOCK 2', locks: [asBulk(lock), asBulk(lock)] });
    expect(dup.status).toBe(400);

    const noReason = await bulk({ reason: ' ', confirmation: 'UNLOCK 1', locks: [asBulk(lock)] });
    expect(noReason.status).toBe(400);

    expect(await readLockItem(w, table, bucket, key)).toBeDefined();
    expect(await readLockfile(w, bucket, key)).not.toBeNull();
  });

  it('reports each lock: released, changed meanwhile (kept), already gone; partial shown; one audit record each tied to the bulk id', async () => {
    const keys = ['mix/released.tfstate', 'mix/changed.tfstate', 'mix/gone.tfstate'];
    for (const key of keys) await w.lockBoth(table, bucket, key, TerraformWriter.lockInfo(bucket, key));
    const seen = (await listLocks(getBackend('main'))).locks.filter((l) => l.key.startsWith('mix/'));
    expect(seen).toHaveLength(3);

    // Between selection and confirmation: one lock is replaced by a new run, one is released.
    await w.unlockDynamo(table, bucket, keys[1]!);
    await w.unlockFile(bucket, keys[1]!);
    const newer = TerraformWriter.lockInfo(bucket, keys[1]!, { who: 'alice@laptop' });
    await w.lockBoth(table, bucket, keys[1]!, newer);
    await w.unlockDynamo(table, bucket, keys[2]!);
    await w.unlockFile(bucket, keys[2]!);

    const res = await bulk({ reason: 'pipeline 4711 was killed', confirmation: 'UNLOCK 3', locks: seen.map(asBulk) });
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries((res.body.results as Array<{ key: string; outcome: string; message: string }>).map((r) => [r.key, r]));
    expect(byKey[keys[0]!]?.outcome).toBe('released');
    expect(byKey[keys[1]!]?.outcome).toBe('changed');
    expect(byKey[keys[1]!]?.message).toContain('alice@laptop');
    expect(byKey[keys[2]!]?.outcome).toBe('gone');
    expect(res.body).toMatchObject({ requested: 3, partial: true, counts: { released: 1, changed: 1, gone: 1, refused: 0, failed: 0 } });

    // The newer lock survived on both sides.
    expect(await readLockItem(w, table, bucket, keys[1]!)).toContain(newer.id);
    expect(await readLockfile(w, bucket, keys[1]!)).toContain(newer.id);

    const records = await readAuditObjects(w, bucket, 'lockboard-audit/main/');
    const parent = records.find((r) => r.id === res.body.bulkId);
    expect(parent).toMatchObject({ action: 'bulk-unlock', outcome: 'succeeded', reason: 'pipeline 4711 was killed' });
    const children = records.filter((r) => (r.seen as { bulkId?: string } | null)?.bulkId === res.body.bulkId);
    expect(children.map((r) => [r.key, r.action, r.outcome]).sort()).toEqual(
      [
        [keys[0], 'force-unlock', 'succeeded'],
        [keys[1], 'force-unlock', 'failed'],
        [keys[2], 'force-unlock', 'failed'],
      ].sort(),
    );
  });

  it('refuses a cross-site request before touching anything', async () => {
    const key = 'xsite/a.tfstate';
    await w.lockBoth(table, bucket, key, TerraformWriter.lockInfo(bucket, key));
    const lock = (await listLocks(getBackend('main'))).locks.find((l) => l.key === key)!;
    const res = await callMutation(unlockManyRoute, 'unlock-many', 'main', { reason: 'r', confirmation: 'UNLOCK 1', locks: [asBulk(lock)] }, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    expect(await readLockItem(w, table, bucket, key)).toBeDefined();
  });
});

const tf = terraformInfo();
if (!tf) console.warn(`[skipped] real-terraform part of lib/services/bulk-unlock.int.test.ts: ${TERRAFORM_SKIP_REASON}`);

describe.skipIf(!tf)(`bulk unlock after killed applies, with a real terraform (${tf?.version ?? 'absent'})`, () => {
  const dirs: TerraformDir[] = [];
  const runs: RunningTerraform[] = [];
  afterAll(async () => {
    await Promise.all(runs.map((r) => r.kill9()));
    dirs.forEach((d) => d.cleanup());
  });

  it('three applies killed at once show as one group; one bulk unlock lets every next plan take its lock', async () => {
    useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: true }]);
    const keys = ['runall/network/terraform.tfstate', 'runall/db/terraform.tfstate', 'runall/app/terraform.tfstate'];
    const ds = keys.map((key) => new TerraformDir({ endpoint: motoEndpoint(), bucket, key, dynamodbTable: table, useLockfile: true, sleepSeconds: 60 }));
    dirs.push(...ds);
    await Promise.all(ds.map((d) => d.init()));
    const started = ds.map((d) => d.startApply());
    runs.push(...started);
    await pollUntil(
      async () => {
        const { locks } = await listLocks(getBackend('main'));
        const held = keys.every((k) => locks.some((l) => l.key === k && l.sources.length === 2));
        return held && started.every((r) => r.output().includes('Provisioning with'));
      },
      { timeoutMs: 90_000, what: 'all three applies to hold their locks' },
    );
    await Promise.all(started.map((r) => r.kill9()));

    const locks = (await listLocks(getBackend('main'))).locks.filter((l) => l.key.startsWith('runall/'));
    const groups = groupLocks(locks.map((l) => ({ ...l, backendId: 'main' })));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ count: 3, operation: 'OperationTypeApply' });
    expect([...groups[0]!.paths].sort()).toEqual(keys.map((k) => `${bucket}/${k}`).sort());

    const blocked = await ds[0]!.plan(['-lock-timeout=0s'], { allowFailure: true });
    expect(blocked.stderr + blocked.stdout).toContain('Error acquiring the state lock');

    const res = await bulk({ reason: 'run-all job was cancelled', confirmation: 'UNLOCK 3', locks: groups[0]!.locks.map(asBulk) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ partial: false, counts: { released: 3 } });
    for (const key of keys) {
      expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
      expect(await readLockfile(w, bucket, key)).toBeNull();
    }
    const plans = await Promise.all(ds.map((d) => d.plan(['-lock-timeout=0s'])));
    for (const p of plans) {
      expect(p.code).toBe(0);
      expect(p.stdout).toContain('Plan:');
    }
  }, 240_000);
});
