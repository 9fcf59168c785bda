/**
 * Search and inventory in a real browser against the built app and moto: a resource address found
 * across states (linked to the state page), the states view showing each state's serial and
 * Terraform version, and the recovery posture of a versioned backend.
 */
import crypto from 'node:crypto';
import { stateDocument } from '../scripts/lib/terraform-writer';
import { expect, test } from './fixtures';

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';

test('finds a resource address across states and links to the state page', async ({ page, seed, backends, prefix }) => {
  const a = `${prefix}iam/terraform.tfstate`;
  const b = `env:/prod/${prefix}ci/terraform.tfstate`;
  const role = { mode: 'managed', type: 'aws_iam_role', name: 'deployer', provider: AWS, instances: [{ attributes: { arn: 'e2e-inventory-secret' } }] };
  await seed.state(backends.main, a, stateDocument({ serial: 7, lineage: crypto.randomUUID(), terraformVersion: '1.5.7', resources: [role] }));
  await seed.state(backends.second, b, stateDocument({ serial: 2, lineage: crypto.randomUUID(), resources: [{ ...role, module: 'module.ci["x y"]' }] }));

  const q = `aws_iam_role.deployer state:${prefix}`;
  await page.goto(`/search?q=${encodeURIComponent(q)}`);
  // The index catches up with new states within a pass: reload until both are found.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('search-hit')).toHaveCount(2, { timeout: 3_000 });
  }).toPass({ timeout: 45_000 });
  const hit = page.locator(`[data-testid="search-hit"][data-key="${b}"]`);
  await expect(hit).toContainText('module.ci["x y"].aws_iam_role.deployer');
  await expect(page.locator('body')).not.toContainText('e2e-inventory-secret');

  await page.goto(`/search?q=${encodeURIComponent(`tf:<1.6 state:${prefix}`)}`);
  await expect(page.getByTestId('search-hit')).toHaveCount(1);
  await page.getByRole('link', { name: a }).click();
  await expect(page).toHaveURL(/\/state\?backend=e2e-main/);

  await page.goto(`/states?q=${encodeURIComponent(`${prefix}iam`)}`);
  await expect(page.locator(`[data-testid="state-row"][data-key="${a}"]`).getByTestId('state-contents')).toContainText('serial 7 · TF 1.5.7 · 1 resources · hashicorp/aws', { timeout: 20_000 });
});

test('shows the recovery posture of each backend', async ({ page }) => {
  await page.goto('/inventory');
  const main = page.getByRole('article', { name: 'Backend E2E main' });
  await expect(main.locator('[data-testid="posture-finding"][data-code="versioning_enabled"]')).toBeVisible({ timeout: 20_000 });
  await expect(main.getByTestId('inventory-progress')).toBeVisible();
});
