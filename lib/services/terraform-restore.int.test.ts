/**
 * Issue 5 against the real Terraform CLI and moto: two applies with different resources, then the
 * first version is restored through Lockboard's restore API. Terraform must accept the result as its
 * own state: `terraform state pull` shows serial = previous + 1 and the original lineage, `terraform
 * plan` takes the lock, passes the digest check and plans to create what the restored state lacks,
 * and no lock is left behind (force-unlock never needed). Skipped (with a message) where
 * terraform >= 1.10 is not on PATH.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as restoreRoute } from '@/app/api/backends/[id]/restore/route';
import { listKeyVersions } from '../aws/state-bucket';
import { getBackend } from '../server/backends';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { callMutation, readDigestItem, readLockfile, readLockItem } from '../testing/mutation-requests';
import { TERRAFORM_SKIP_REASON, TerraformDir, terraformInfo } from '../../scripts/lib/terraform-cli';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const tf = terraformInfo();
if (!tf) console.warn(`[skipped] lib/services/terraform-restore.int.test.ts: ${TERRAFORM_SKIP_REASON}`);

const FIRST = ['resource "terraform_data" "alpha" {', '  input = "a"', '}', 'resource "terraform_data" "beta" {', '  input = "b"', '}'].join('\n');
const SECOND = ['resource "terraform_data" "alpha" {', '  input = "a"', '}', 'resource "terraform_data" "gamma" {', '  input = "g"', '}'].join('\n');

interface PulledState {
  serial: number;
  lineage: string;
  resources: Array<{ type: string; name: string }>;
}

const names = (s: PulledState) => s.resources.map((r) => `${r.type}.${r.name}`).sort();

describe.skipIf(!tf)(`restore with a real terraform (${tf?.version ?? 'absent'})`, () => {
  const w = new TerraformWriter();
  const bucket = uniqueName('tf-restore');
  const table = uniqueName('tf-restoretable');
  const key = 'app/terraform.tfstate';
  let d: TerraformDir;

  beforeAll(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await w.createBucket(bucket);
    await w.createTable(table);
    useBackends([{ id: 'tf', bucket, dynamodbTable: table, useLockfile: true }]);
    d = new TerraformDir({ endpoint: motoEndpoint(), bucket, key, dynamodbTable: table, useLockfile: true, extraHcl: FIRST });
    await d.init();
  });

  afterAll(() => {
    d?.cleanup();
    w.destroy();
  });

  it('restores the first apply; terraform state pull, plan and the locks accept it', async () => {
    await d.apply();
    const first = (await d.statePull()) as unknown as PulledState;
    const afterFirst = await listKeyVersions(getBackend('tf'), key);
    const firstVersion = afterFirst.versions.find((v) => v.isLatest)!.versionId;
    expect(names(first)).toEqual(['terraform_data.alpha', 'terraform_data.beta', 'terraform_data.hold']);

    d.writeConfig({ extraHcl: SECOND });
    await d.apply();
    const second = (await d.statePull()) as unknown as PulledState;
    expect(names(second)).toEqual(['terraform_data.alpha', 'terraform_data.gamma', 'terraform_data.hold']);
    const afterSecond = await listKeyVersions(getBackend('tf'), key);
    const current = afterSecond.versions.find((v) => v.isLatest)!.versionId;

    const res = await callMutation(restoreRoute, 'restore', 'tf', { key, versionId: firstVersion, expectedCurrentVersionId: current, reason: 'the second apply was a mistake' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ serial: second.serial + 1, serialBumped: true, restoredFrom: firstVersion });

    // No lock left on either side; the digest is the MD5 of the new object.
    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
    expect(await readLockfile(w, bucket, key)).toBeNull();
    expect(await readDigestItem(w, table, bucket, key)).toBe(res.body.digest);
    // Nothing was deleted: the history only grew by the restored version.
    const afterRestore = await listKeyVersions(getBackend('tf'), key);
    expect(afterRestore.versions.filter((v) => !v.deleteMarker)).toHaveLength(afterSecond.versions.filter((v) => !v.deleteMarker).length + 1);

    // Terraform reads it through its own digest check: serial + 1, the original lineage, the first resources.
    const pulled = (await d.statePull()) as unknown as PulledState;
    expect(pulled.serial).toBe(second.serial + 1);
    expect(pulled.lineage).toBe(first.lineage);
    expect(names(pulled)).toEqual(names(first));

    // The next plan takes the lock, passes the digest check and shows the drift: gamma is missing from
    // the restored state, so it is planned for creation (and beta, gone from the config, for destroy).
    const plan = await d.plan(['-detailed-exitcode', '-lock-timeout=0s'], { allowFailure: true });
    const output = plan.stdout + plan.stderr;
    expect(output).not.toContain('does not have the expected content');
    expect(output).not.toContain('Error acquiring the state lock');
    expect(plan.code).toBe(2);
    expect(output).toMatch(/terraform_data\.gamma will be created/);
    expect(output).toMatch(/terraform_data\.beta will be destroyed/);

    // And an apply on top of the restored state works without any force-unlock.
    await d.apply(['-lock-timeout=0s']);
    const final = (await d.statePull()) as unknown as PulledState;
    expect(final.serial).toBeGreaterThan(pulled.serial);
    expect(final.lineage).toBe(first.lineage);
    expect(names(final)).toEqual(names(second));
    expect(await readLockItem(w, table, bucket, key)).toBeUndefined();
  });
});
