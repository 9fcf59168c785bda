/**
 * Issue 4 against the real Terraform CLI and moto: a stale lock left by a killed `terraform apply` is
 * released through Lockboard's unlock API and the next `terraform plan` takes the lock and succeeds;
 * a digest broken by a hand upload makes `terraform plan` fail with the checksum error until
 * Lockboard's digest repair fixes it. Skipped (with a message) where terraform >= 1.10 is not on PATH.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as digestRoute } from '@/app/api/backends/[id]/digest/route';
import { POST as unlockRoute } from '@/app/api/backends/[id]/unlock/route';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { callMutation, readLockfile, readLockItem } from '../testing/mutation-requests';
import { TERRAFORM_SKIP_REASON, TerraformDir, pollUntil, terraformInfo, type RunningTerraform } from '../../scripts/lib/terraform-cli';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { getBackend } from '../server/backends';
import { listLocks } from './list-locks';
import { listStates } from './list-states';

const tf = terraformInfo();
if (!tf) console.warn(`[skipped] lib/services/terraform-mutations.int.test.ts: ${TERRAFORM_SKIP_REASON}`);

describe.skipIf(!tf)(`force-unlock and digest repair with a real terraform (${tf?.version ?? 'absent'})`, () => {
  const w = new TerraformWriter();
  const bucket = uniqueName('tf-mut');
  const table = uniqueName('tf-muttable');
  const dirs: TerraformDir[] = [];
  const runs: RunningTerraform[] = [];

  beforeAll(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await w.createBucket(bucket);
    await w.createTable(table);
    useBackends([{ id: 'tf', bucket, dynamodbTable: table, useLockfile: true }]);
  });

  afterAll(async () => {
    await Promise.all(runs.map((r) => r.kill9()));
    dirs.forEach((d) => d.cleanup());
    w.destroy();
  });

  function dir(key: string, sleepSeconds = 0): TerraformDir {
    const d = new TerraformDir({ endpoint: motoEndpoint(), bucket, key, dynamodbTable: table, useLockfile: true, sleepSeconds });
    dirs.push(d);
    return d;
  }

  it('a killed apply leaves a stale lock; unlocking it through the API lets the next plan lock and succeed', async () => {
    const key = 'killed/app/terraform.tfstate';
    const d = dir(key, 60);
    await d.init();
    const run = d.startApply();
    runs.push(run);
    // Wait until the apply holds the lock on both sides and is inside the provisioner.
    const lock = await pollUntil(
      async () => {
        const { locks } = await listLocks(getBackend('tf'));
        const l = locks.find((x) => x.key === key);
        return l && l.sources.length === 2 && run.output().includes('Provisioning with') ? l : undefined;
      },
      { timeoutMs: 60_000, what: 'the apply to hold its lock' },
    );
    expect(lock.operation).toBe('OperationTypeApply');
    await run.kill9();

    // The lock outlives the process: a plan cannot take it.
    const blocked = await d.plan(['-lock-timeout=0s'], { allowFailure: true });
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr + blocked.stdout).toContain('Error acquiring the state lock');
    expect(blocked.stderr + blocked.stdout).toContain(lock.id);

    const res = await callMutation(unlockRoute, 'unlock', 'tf', { key, id: lock.id, reason: 'apply was killed', seen: lock.seen });
    expect(res.status).toBe(200);
    expect(res.body.sources).toEqual(['dynamodb', 's3']);
    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
    expect(await readLockfile(w, bucket, key)).toBeNull();

    const plan = await d.plan(['-lock-timeout=0s']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Plan:');
  }, 180_000);

  it('a hand-uploaded state breaks the digest and terraform plan; the repair makes plan succeed again', async () => {
    const key = 'digest/app/terraform.tfstate';
    const d = dir(key, 0);
    await d.init();
    await d.apply();
    // Upload the same state by hand with other bytes (compact JSON), as `aws s3 cp` would: no digest update.
    const state = await d.statePull();
    await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(state) + '\n', ContentType: 'application/json' }));

    const broken = await d.plan(['-lock-timeout=0s'], { allowFailure: true });
    expect(broken.code).not.toBe(0);
    expect(broken.stderr + broken.stdout).toContain('does not have the expected content');

    const entry = (await listStates(getBackend('tf'))).states.find((s) => s.key === key);
    expect(entry?.digestStatus).toBe('mismatch');
    const res = await callMutation(digestRoute, 'digest', 'tf', { key, expected: entry?.digest ?? null, reason: 'state re-uploaded by hand' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ repaired: true, action: 'set', digest: entry?.calculatedMd5 });

    const fixed = await d.plan(['-lock-timeout=0s']);
    expect(fixed.code).toBe(0);
    expect((await listStates(getBackend('tf'))).states.find((s) => s.key === key)?.digestStatus).toBe('match');
  }, 180_000);
});
