/**
 * Accessibility scan (axe-core) of every page and every dialog, with real data in them: no serious
 * or critical violation. A failure lists each rule with the nodes it found.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { stateDocument } from '../scripts/lib/terraform-writer';
import { expect, lockRow, test } from './fixtures';
import { expectNoSeriousViolations } from './page-checks';

const statePath = (backendId: string, key: string) => `/state?backend=${encodeURIComponent(backendId)}&key=${encodeURIComponent(key)}`;

for (const width of [1440, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });
    // Two scans per test take several seconds each on a busy 2-core machine.
    test.describe.configure({ timeout: 180_000 });

    test('the locks page and the unlock dialog', async ({ page, seed, backends, prefix }) => {
      const key = `${prefix}a11y/terraform.tfstate`;
      await seed.lock(backends.main, key, { createdMs: Date.now() - 3 * 3600_000 });
      await seed.lock(backends.second, `${prefix}a11y-second/terraform.tfstate`);
      await page.goto(`/?q=${encodeURIComponent(prefix)}`);
      await expect(lockRow(page, key)).toBeVisible();
      await expectNoSeriousViolations(page);
      const opener = lockRow(page, key).getByRole('button', { name: `Unlock ${key}` });
      await opener.click();
      const dialog = page.getByRole('dialog', { name: 'Force-unlock this state?' });
      await expect(dialog).toBeVisible();
      // The disabled confirm button says why (aria-describedby).
      await expect(dialog.getByRole('button', { name: 'Force-unlock' })).toHaveAccessibleDescription('Give a reason first.');
      await expectNoSeriousViolations(page, '[data-testid="unlock-dialog"]');
      // A typed reason is not thrown away without asking; focus returns to the opener.
      await dialog.getByLabel(/Reason/).fill('runner gone');
      await page.keyboard.press('Escape');
      await expect(dialog.getByTestId('discard-reason')).toContainText('Close and discard the reason you typed?');
      await dialog.getByRole('button', { name: 'Discard and close' }).click();
      await expect(dialog).toBeHidden();
      await expect(opener).toBeFocused();
    });

    test('the states page and the digest repair dialog', async ({ page, seed, backends, prefix }) => {
      const key = `${prefix}a11y-digest/terraform.tfstate`;
      await seed.state(backends.main, key, stateDocument({ serial: 1, lineage: 'a11y' }));
      await seed.writer(backends.main).s3.send(new PutObjectCommand({ Bucket: backends.main.bucket, Key: key, Body: stateDocument({ serial: 2, lineage: 'a11y' }), ContentType: 'application/json' }));
      await page.goto(`/states?q=${encodeURIComponent(prefix)}`);
      const row = page.getByTestId('state-row').filter({ hasText: key });
      await expect(row).toHaveAttribute('data-digest-status', 'mismatch');
      await expectNoSeriousViolations(page);
      await row.getByRole('button', { name: `Repair the digest of ${key}` }).click();
      await expect(page.getByRole('dialog', { name: 'Set the digest to the current object?' })).toBeVisible();
      await expectNoSeriousViolations(page, '[data-testid="digest-repair-dialog"]');
    });

    test('a state page and the restore dialog', async ({ page, seed, backends, prefix }) => {
      const key = `${prefix}a11y-restore/terraform.tfstate`;
      const v1 = await seed.state(backends.main, key, stateDocument({ serial: 1, lineage: 'a11y-r' }));
      await seed.state(backends.main, key, stateDocument({ serial: 2, lineage: 'a11y-r' }));
      await seed.lock(backends.main, key);
      await page.goto(statePath(backends.main.id, key));
      await expect(page.getByTestId('version-row')).toHaveCount(2);
      await expect(page.getByTestId('holder-card').getByTestId('holder-who')).toBeVisible();
      await expect(page.getByTestId('diff-view')).toBeVisible();
      await expectNoSeriousViolations(page);
      await page.getByRole('button', { name: `Restore version ${v1.versionId}` }).click();
      await expect(page.getByRole('dialog', { name: 'Restore this version?' })).toBeVisible();
      await expect(page.getByTestId('restore-serial')).toContainText('→');
      await expectNoSeriousViolations(page, '[data-testid="restore-dialog"]');
    });

    test('the audit log', async ({ page }) => {
      await page.goto('/audit');
      await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
      await expect(page.getByText('Loading the audit log…')).toHaveCount(0);
      await expectNoSeriousViolations(page);
    });
  });
}
