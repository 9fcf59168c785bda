/**
 * The real Terraform CLI against the e2e stack: the lock of a running `terraform apply` (DynamoDB +
 * use_lockfile) appears on the overview with Terraform's exact fields and disappears when the apply
 * ends. Skipped, with the reason in the report, where terraform >= 1.10 is not on PATH.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { TERRAFORM_SKIP_REASON, TerraformDir, pollUntil, terraformInfo } from '../scripts/lib/terraform-cli';
import { expect, lockRow, openOverview, test } from './fixtures';

const tf = terraformInfo();
if (!tf) console.warn(`[skipped] e2e/terraform.spec.ts: ${TERRAFORM_SKIP_REASON}`);

test.describe('real terraform', () => {
  test.skip(!tf, TERRAFORM_SKIP_REASON);

  test('a running apply shows its lock with Terraform exact fields, gone after the apply', async ({ page, seed, backends, prefix }) => {
    const key = `${prefix}tf/terraform.tfstate`;
    const main = backends.main;
    const dir = new TerraformDir({ endpoint: main.endpoint, bucket: main.bucket, key, dynamodbTable: main.dynamodbTable, useLockfile: true, sleepSeconds: 8 });
    try {
      await dir.init();
      await openOverview(page, prefix);
      const run = dir.startApply();
      try {
        // What Terraform wrote, read straight from the bucket.
        const s3 = seed.writer(main).s3;
        const body = await pollUntil(
          async () => {
            const out = await s3.send(new GetObjectCommand({ Bucket: main.bucket, Key: `${key}.tflock` })).catch(() => null);
            return out ? await out.Body?.transformToString('utf8') : null;
          },
          { timeoutMs: 30_000, what: `the .tflock of the apply (output: ${run.output()})` },
        );
        const written = JSON.parse(body) as { ID: string; Who: string; Operation: string; Version: string };
        expect(written.Version).toBe(tf!.version);

        const row = lockRow(page, key);
        await expect(row.getByText(written.ID, { exact: true })).toBeVisible();
        await expect(row.getByRole('cell', { name: written.Who, exact: true })).toBeVisible();
        // Shown in words; what Terraform wrote stays on hover.
        await expect(row.getByRole('cell', { name: 'apply', exact: true })).toBeVisible();
        await expect(row.getByTitle(written.Operation, { exact: true })).toHaveText('apply');
        await expect(row.getByRole('cell', { name: written.Version, exact: true })).toBeVisible();
        await expect(row.getByText('DynamoDB', { exact: true })).toBeVisible();
        await expect(row.getByText('.tflock', { exact: true })).toBeVisible();

        const result = await run.exited;
        expect(result.code, result.stdout + result.stderr).toBe(0);
        await expect(row).toHaveCount(0);
      } finally {
        await run.kill9();
      }
    } finally {
      dir.cleanup();
    }
  });
});
