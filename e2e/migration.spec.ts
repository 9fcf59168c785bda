/**
 * The use_lockfile migration view agrees with the States page: a state whose digest mismatches (here
 * a hand edit right after a dual-mode run, as on the demo) is a mismatch linked to its repair, never a
 * "left behind" digest offered for deletion; only a digest whose state is gone is offered for
 * clean-up. At 1440 and 390 px: the table fits its box (cards on a phone), axe finds nothing serious.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { stateDocument } from '../scripts/lib/terraform-writer';
import { expect, test } from './fixtures';
import { expectNoSeriousViolations, expectNoSidewaysScroll } from './page-checks';

for (const width of [1440, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });
    test.describe.configure({ timeout: 120_000 });

    test('a mismatching digest links to its repair and is not offered for clean-up; an orphan digest is', async ({ page, seed, backends, prefix }) => {
      const main = backends.main;
      const edited = `${prefix}database/terraform.tfstate`;
      const deleted = `${prefix}legacy/terraform.tfstate`;
      // A dual-mode run writes the state and its digest, then someone edits the object by hand within the second.
      await seed.lock(main, edited);
      await seed.state(main, edited, stateDocument({ serial: 1, lineage: 'mig' }));
      await seed.unlock(main, edited);
      await seed.writer(main).s3.send(new PutObjectCommand({ Bucket: main.bucket, Key: edited, Body: stateDocument({ serial: 2, lineage: 'mig' }), ContentType: 'application/json' }));
      // A digest item whose state object never existed (deleted): the one kind of leftover.
      await seed.writer(main).putDigest(main.dynamodbTable!, main.bucket, deleted, 'c'.repeat(32));

      // The States page calls it a mismatch...
      await page.goto(`/states?q=${encodeURIComponent(prefix)}`);
      await expect(page.getByTestId('state-row').filter({ hasText: edited })).toHaveAttribute('data-digest-status', 'mismatch');

      // ...and so does the Migration page, with the way to its repair.
      await page.goto(`/migration?backend=${main.id}`);
      const row = page.locator(`[data-testid="migration-row"][data-key="${edited}"]`);
      await expect(row).toHaveAttribute('data-digest', 'mismatch');
      await expect(row).toContainText('mismatch');
      await expect(row).not.toContainText('left behind');
      const repair = row.getByTestId('migration-repair');
      await expect(repair).toHaveAttribute('href', `/state?${new URLSearchParams({ backend: main.id, key: edited })}`);
      await expect(row).toContainText("Open the state's page");

      const orphan = page.locator(`[data-testid="migration-row"][data-key="${deleted}"]`);
      await expect(orphan).toHaveAttribute('data-digest', 'orphan');
      await expect(orphan).toContainText('clean-up below');

      // The clean-up lists the orphan digest with exactly what it deletes, and never the mismatching one.
      const cleanup = page.getByTestId('migration-cleanup');
      await expect(cleanup.getByTestId('cleanup-item').filter({ hasText: deleted })).toContainText(`LockID = ${main.bucket}/${deleted}-md5`);
      await expect(cleanup.getByTestId('cleanup-item').filter({ hasText: edited })).toHaveCount(0);

      await expectNoSidewaysScroll(page, page.locator('section[aria-labelledby="migration-heading"]'));
      await expectNoSeriousViolations(page);

      // The link opens the state page, where the repair is.
      await repair.click();
      await expect(page).toHaveURL(/\/state\?/);
      await expect(page.getByRole('button', { name: `Repair the digest of ${edited}` })).toBeVisible();
    });
  });
}
