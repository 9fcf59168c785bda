/**
 * The use_lockfile migration view and clean-up (issue 15) against moto and the real Terraform CLI: a
 * state moved from dual mode to lock files only leaves its digest behind; the view shows it as the
 * mismatch it is (a hand edit looks the same), says what Terraform does if the table comes back (and
 * the real CLI does exactly that) and sends it to the digest repair, which fixes it; only a digest
 * whose state is gone is offered to the audited, conditional clean-up.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as cleanupRoute } from '@/app/api/backends/[id]/migration/cleanup/route';
import { POST as repairRoute } from '@/app/api/backends/[id]/digest/route';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { settledMigrationReport } from '../testing/migration-report';
import { callMutation, readAuditObjects, readDigestItem, readLockfile } from '../testing/mutation-requests';
import { TERRAFORM_SKIP_REASON, TerraformDir, terraformInfo } from '../../scripts/lib/terraform-cli';
import { TerraformWriter, stateDocument, uniqueName } from '../../scripts/lib/terraform-writer';

const w = new TerraformWriter();
const bucket = uniqueName('mig');
const table = uniqueName('migtable');

const report = () => settledMigrationReport('main');

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  await w.createBucket(bucket);
  await w.createTable(table);
  useBackends([{ id: 'main', bucket, dynamodbTable: table, useLockfile: true }]);
});
afterAll(() => w.destroy());

describe('migration view (moto)', () => {
  it('tells dynamodb-only, dual, lockfile-only with a mismatching digest (to repair, not to delete), orphans; cleans up conditionally', async () => {
    const doc = (n: number) => stateDocument({ serial: n, lineage: 'l' });
    await w.putState(bucket, 'ddb/terraform.tfstate', doc(1), table);
    const dual = 'dual/terraform.tfstate';
    await w.putState(bucket, dual, doc(1), table);
    await w.lockFile(bucket, dual, TerraformWriter.lockInfo(bucket, dual));
    await w.unlockFile(bucket, dual);
    const moved = 'moved/terraform.tfstate';
    await w.putState(bucket, moved, doc(1), table);
    await w.lockFile(bucket, moved, TerraformWriter.lockInfo(bucket, moved));
    await w.putState(bucket, moved, doc(2), null); // written by a client without dynamodb_table
    await w.unlockFile(bucket, moved);
    const deleted = 'deleted/terraform.tfstate';
    await w.putDigest(table, bucket, deleted, 'c'.repeat(32)); // its state object is gone: an orphan digest
    const crashed = 'crashed/terraform.tfstate';
    await w.lockFile(bucket, crashed, TerraformWriter.lockInfo(bucket, crashed, {}, Date.now() - 3 * 3600_000));

    const r = await report();
    const mode = Object.fromEntries(r.states.map((s) => [s.key, s.mode]));
    expect(mode).toMatchObject({ 'ddb/terraform.tfstate': 'dynamodb-only', [dual]: 'dual', [moved]: 'lockfile-only' });
    const movedReport = r.states.find((s) => s.key === moved)!;
    expect(movedReport).toMatchObject({ digest: 'mismatch', needsRepair: true, leftover: null });
    expect(movedReport.explanation).toContain('does not have the expected content');
    const deletedReport = r.states.find((s) => s.key === deleted)!;
    expect(deletedReport).toMatchObject({ digest: 'orphan', leftover: { kind: 'orphan_digest', digest: 'c'.repeat(32) } });
    expect(r.summary).toMatchObject({ leftovers: 1, mismatches: 1 });
    expect(r.summary.advice).toMatch(/^Step 1/);
    expect(r.orphanLockfiles.map((o) => o.key)).toEqual([crashed]);

    // The mismatching digest of a state that exists is never the clean-up's to delete, even when posted by hand.
    const mismatched = (await readDigestItem(w, table, bucket, moved))!;
    const refused = await callMutation(cleanupRoute, 'migration/cleanup', 'main', { reason: 'x', items: [{ kind: 'digest', key: moved, digest: mismatched }] });
    expect(refused.body).toMatchObject({ partial: true, results: [{ key: moved, outcome: 'changed' }] });
    expect(JSON.stringify(refused.body)).toContain('repair it on the state');
    expect(await readDigestItem(w, table, bucket, moved)).toBe(mismatched);

    // Changed between listing and clean-up: left alone.
    const stale = await callMutation(cleanupRoute, 'migration/cleanup', 'main', { reason: 'x', items: [{ kind: 'digest', key: deleted, digest: '0'.repeat(32) }] });
    expect(stale.body).toMatchObject({ partial: true, results: [{ outcome: 'changed' }] });
    expect(await readDigestItem(w, table, bucket, deleted)).toBe(deletedReport.leftover!.digest);

    const orphan = r.orphanLockfiles[0]!;
    const res = await callMutation(cleanupRoute, 'migration/cleanup', 'main', {
      reason: 'migration step 3',
      items: [
        { kind: 'digest', key: deleted, digest: deletedReport.leftover!.digest },
        { kind: 'lockfile', key: orphan.key, id: orphan.id, etag: orphan.etag },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ partial: false, results: [{ outcome: 'removed' }, { outcome: 'removed' }] });
    expect(await readDigestItem(w, table, bucket, deleted)).toBeUndefined();
    expect(await readDigestItem(w, table, bucket, moved)).toBeDefined();
    expect(await readLockfile(w, bucket, crashed)).toBeNull();
    const audit = (await readAuditObjects(w, bucket, 'lockboard-audit/main/')).find((a) => a.id === res.body.auditId);
    expect(audit).toMatchObject({ action: 'migration-cleanup', outcome: 'succeeded', reason: 'migration step 3' });

    const empty = await callMutation(cleanupRoute, 'migration/cleanup', 'main', { reason: 'x', items: [] });
    expect(empty.status).toBe(400);
  });
});

const tf = terraformInfo();
if (!tf) console.warn(`[skipped] real-terraform part of lib/services/migration.int.test.ts: ${TERRAFORM_SKIP_REASON}`);

describe.skipIf(!tf)(`migration with a real terraform (${tf?.version ?? 'absent'})`, () => {
  const dirs: TerraformDir[] = [];
  afterAll(() => dirs.forEach((d) => d.cleanup()));

  it('dual → lock files only leaves the digest behind; with the table back terraform fails; the digest repair fixes it', async () => {
    const key = 'tfmig/app/terraform.tfstate';
    const d = new TerraformDir({ endpoint: motoEndpoint(), bucket, key, dynamodbTable: table, useLockfile: true });
    dirs.push(d);
    await d.init();
    await d.apply();
    expect((await report()).states.find((s) => s.key === key)?.mode).toBe('dual');

    // Step 2 of the migration: dynamodb_table removed; the next apply writes without touching the digest.
    d.writeConfig({ dynamodbTable: null });
    await d.run(['init', '-reconfigure', '-input=false', '-no-color']);
    await d.apply();
    const s = (await report()).states.find((x) => x.key === key)!;
    expect(s).toMatchObject({ mode: 'lockfile-only', digest: 'mismatch', needsRepair: true, leftover: null });

    // What the view says happens if the table came back: the real CLI agrees.
    d.writeConfig({ dynamodbTable: table });
    // Even `init` reads the state, and fails after its 10 s of retries.
    const back = await d.run(['init', '-reconfigure', '-input=false', '-no-color'], { allowFailure: true });
    expect(back.code).not.toBe(0);
    expect(back.stdout + back.stderr).toContain('does not have the expected content');

    // The repair the view links to (the state page's digest repair): the digest set to the object's MD5.
    const res = await callMutation(repairRoute, 'digest', 'main', { key, expected: (await readDigestItem(w, table, bucket, key)) ?? null, reason: 'digest left by the table era' });
    expect(res.body).toMatchObject({ repaired: true, action: 'set' });
    await d.run(['init', '-reconfigure', '-input=false', '-no-color']);
    expect((await d.plan(['-lock-timeout=0s'])).code).toBe(0);
  }, 240_000);
});
