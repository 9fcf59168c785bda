/**
 * Search and the inventory page tell the truth about the index, at desktop and phone width, in a real
 * browser against the built app and moto: a hit whose state changed since it was indexed is marked
 * outdated with the serial it was indexed at (and re-read by itself), progress never reads "0 / 0",
 * and the inventory page lists each state's contents without contradicting itself about the stored
 * index.
 */
import crypto from 'node:crypto';
import { stateDocument } from '../scripts/lib/terraform-writer';
import { expect, test } from './fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';
const role = { mode: 'managed', type: 'aws_iam_role', name: 'deployer', provider: AWS, instances: [{ attributes: { arn: 'e2e-state-search-secret' } }] };
const ZERO_OF_ZERO = /\b0 \/ 0\b/;

for (const width of [1440, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });

    test('search marks a hit whose state changed since indexing as outdated, with the serial it was indexed at, then re-reads it', async ({ page, seed, backends, prefix }) => {
      const main = backends.main;
      const key = `${prefix}iam/terraform.tfstate`;
      const lineage = crypto.randomUUID();
      const doc = (serial: number) => stateDocument({ serial, lineage, resources: [role] });
      let serial = 41;
      await seed.state(main, key, doc(serial));

      const hit = page.locator(`[data-testid="search-hit"][data-key="${key}"]`);
      await page.goto(`/search?q=${encodeURIComponent(`aws_iam_role.deployer state:${prefix}`)}`);
      // The index catches up with a new state within a pass.
      await expect(async () => {
        await page.reload();
        await expect(hit).toHaveAttribute('data-freshness', 'current', { timeout: 3_000 });
        await expect(hit).toContainText('serial 41');
      }).toPass({ timeout: 45_000 });

      // The state is written again; the next search lists the bucket again (watch interval 1 s) before the index is read again.
      await expect(async () => {
        await seed.state(main, key, doc(++serial));
        await sleep(1_100);
        await page.reload();
        await expect(hit).toHaveAttribute('data-freshness', 'changed', { timeout: 3_000 });
      }).toPass({ timeout: 60_000 });
      const outdated = hit.getByTestId('search-hit-outdated');
      await expect(outdated).toHaveText(/^indexed at serial \d+; the state has changed since: re-indexing$/);
      const indexedAt = Number(/serial (\d+)/.exec((await outdated.textContent()) ?? '')![1]);
      expect(indexedAt).toBeLessThan(serial);
      // Never presented as current: no "serial N" of the indexed content beside an outdated mark.
      await expect(hit.getByText(`serial ${indexedAt}`, { exact: true })).toHaveCount(0);
      await expect(page.getByTestId('search-summary')).toContainText('1 outdated');
      await expect(page.locator('body')).not.toContainText(ZERO_OF_ZERO);

      // Re-read by itself: the hit becomes current with the new serial.
      await expect(hit).toHaveAttribute('data-freshness', 'current', { timeout: 20_000 });
      await expect(hit).toContainText(`serial ${serial}`);
      await expect(page.locator('body')).not.toContainText('e2e-state-search-secret');
    });

    test('the inventory page lists each state with its contents and words the stored index consistently', async ({ page, seed, backends, prefix }) => {
      const main = backends.main;
      const key = `${prefix}inv/terraform.tfstate`;
      await seed.state(main, key, stateDocument({ serial: 7, lineage: crypto.randomUUID(), terraformVersion: '1.5.7', resources: [role], outputs: { arn: { value: 'x', type: 'string' } } }));

      await page.goto('/inventory');
      const article = page.getByRole('article', { name: 'Backend E2E main' });
      const row = article.locator(`[data-testid="inventory-state"][data-key="${key}"]`);
      await expect(async () => {
        await page.reload();
        await expect(row).toBeVisible({ timeout: 5_000 });
      }).toPass({ timeout: 45_000 });
      for (const text of ['7', '1.5.7', 'hashicorp/aws']) await expect(row).toContainText(text);
      await expect(row.getByRole('link', { name: key })).toHaveAttribute('href', `/state?backend=${main.id}&key=${encodeURIComponent(key)}`);

      const progress = article.getByTestId('inventory-progress');
      await expect(progress).toHaveAttribute('data-phase', /ready|indexing/);
      await expect(progress.getByTestId('inventory-counts')).toContainText(/\d+ of \d+ states indexed/);
      // The stored index's load-time status is worded as such, and never beside a claim that contradicts it.
      await expect(progress).not.toContainText('No stored index yet');
      await expect(progress).not.toContainText('from the stored index');
      await expect(progress.getByTestId('stored-index').first()).toContainText(/^When this replica started/);
      await expect(page.locator('body')).not.toContainText(ZERO_OF_ZERO);
    });
  });
}
