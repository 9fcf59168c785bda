/**
 * The locks page tells freezes, counts and the bulk unlock plainly, at 1440 and 390 px: a freeze is
 * "frozen" (counted and filtered as such, never stale), shows Lockboard's version as Lockboard's and
 * offers no terraform force-unlock; the freshness line names both intervals; the bulk dialog shows per
 * lock the holder, operation, age, lock ID and exactly what it deletes.
 */
import { expect, freezeThroughApi, lockRow, openOverview, test } from './fixtures';
import { expectNoSeriousViolations, expectNoSidewaysScroll } from './page-checks';

const HOUR_MS = 3_600_000;

for (const width of [1440, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });
    test.describe.configure({ timeout: 120_000 });

    test('a freeze is counted and filtered as frozen, not stale; no Terraform version, no Copy CLI', async ({ page, seed, backends, prefix, baseURL }) => {
      const frozen = `${prefix}frozen/terraform.tfstate`;
      const stale = `${prefix}stale/terraform.tfstate`;
      // Through the API: a lock that merely looks like a freeze (no signed marker) is not one.
      await freezeThroughApi(page.request, baseURL!, backends.main, frozen, 'payments DB repair');
      seed.track(backends.main, frozen);
      await seed.lock(backends.main, stale, { over: { who: 'ci@runner-9', operation: 'OperationTypeApply' }, createdMs: Date.now() - 3 * HOUR_MS });
      await seed.lock(backends.second, `${prefix}fresh/terraform.tfstate`);

      await openOverview(page, prefix);
      const summary = page.getByTestId('lock-summary');
      await expect(summary.getByRole('button', { name: '3 locks' })).toBeVisible();
      await expect(summary.getByRole('button', { name: '1 stale' })).toBeVisible();
      await expect(summary.getByRole('button', { name: '1 frozen' })).toBeVisible();
      await expect(page.getByTestId('refresh-status')).toContainText('the server reads each backend every 1 s · this page asks every 1 s');

      const freezeRow = lockRow(page, frozen);
      await expect(freezeRow.getByText('frozen', { exact: true })).toBeVisible();
      await expect(freezeRow).not.toHaveAttribute('data-attention', 'stale');
      await expect(freezeRow.getByRole('button', { name: /Copy CLI/ })).toHaveCount(0);
      await expect(lockRow(page, stale).getByRole('button', { name: /Copy CLI/ })).toBeVisible();
      if (width === 1440) await expect(freezeRow.getByTestId('lock-version')).toHaveText('Lockboard 0.1.0 (a freeze, not a Terraform run)');

      await summary.getByRole('button', { name: '1 frozen' }).click();
      await expect(page).toHaveURL((url) => url.searchParams.get('frozen') === '1');
      await expect(summary.getByRole('button', { name: '1 frozen' })).toHaveAttribute('aria-pressed', 'true');
      await expect(page.getByTestId('lock-row')).toHaveCount(1);
      await expect(freezeRow).toBeVisible();
      await expectNoSidewaysScroll(page, page.locator('section[aria-labelledby="locks-heading"]'));
      await expectNoSeriousViolations(page);

      // The state page's holder says who wrote the lock, without calling 0.1.0 a Terraform version.
      await page.goto(`/state?${new URLSearchParams({ backend: backends.main.id, key: frozen })}`);
      const holder = page.getByTestId('holder-card');
      await expect(holder.getByTestId('holder-freeze')).toContainText('payments DB repair');
      await expect(holder).toContainText('Lockboard 0.1.0 (a freeze, not a Terraform run)');
      await expect(holder).not.toContainText('Terraform version');
      await expect(holder.getByRole('button', { name: /Copy CLI/ })).toHaveCount(0);
    });

    test('the bulk unlock dialog names per lock the holder, operation, age, lock ID and what it deletes', async ({ page, seed, backends, prefix }) => {
      const over = { who: 'ci@runall-4711', operation: 'OperationTypeApply' };
      const both = `${prefix}network/terraform.tfstate`;
      const fileOnly = `${prefix}app/terraform.tfstate`;
      const t0 = Date.now() - 30 * 60_000;
      const bothInfo = await seed.lock(backends.main, both, { over, createdMs: t0 });
      const fileInfo = await seed.lock(backends.second, fileOnly, { over, createdMs: t0 + 20_000 });

      await openOverview(page, prefix, { group: '1' });
      await page.getByRole('checkbox', { name: /Select all 2 locks/ }).check();
      await page.getByRole('button', { name: 'Force-unlock 2 selected…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Force-unlock 2 locks?' });
      await expect(dialog.getByTestId('bulk-unlock-totals')).toContainText('deletes 1 DynamoDB lock item and 2 .tflock objects');

      const first = dialog.getByTestId('bulk-unlock-lock').filter({ hasText: both });
      await expect(first).toContainText(/Held by ci@runall-4711 · apply · 3\dm old \(created \d{4}-/);
      await expect(first).toContainText(`backend ${backends.main.name}`);
      await expect(first.getByTestId('bulk-unlock-lock-id')).toHaveText(bothInfo.id);
      const firstDeletes = first.getByTestId('bulk-unlock-deletes');
      await expect(firstDeletes).toContainText(`LockID = ${backends.main.bucket}/${both}`);
      await expect(firstDeletes).toContainText(`in table ${backends.main.dynamodbTable}`);
      await expect(firstDeletes).toContainText(`s3://${backends.main.bucket}/${both}.tflock`);

      const second = dialog.getByTestId('bulk-unlock-lock').filter({ hasText: fileOnly });
      await expect(second.getByTestId('bulk-unlock-lock-id')).toHaveText(fileInfo.id);
      await expect(second.getByTestId('bulk-unlock-deletes')).toContainText(`s3://${backends.second.bucket}/${fileOnly}.tflock`);
      await expect(second.getByTestId('bulk-unlock-deletes')).not.toContainText('LockID');
      // Words, not enum names.
      await expect(dialog).not.toContainText('OperationTypeApply');

      await expectNoSidewaysScroll(page, dialog);
      await expectNoSeriousViolations(page, '[data-testid="bulk-unlock-dialog"]');
    });
  });
}
