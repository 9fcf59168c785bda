/**
 * The Estate page against the e2e stack's two member accounts (scripts/e2e.ts, seedE2eEstate):
 * discovery proposed their backends at start-up. Looked at, filtered and scanned (axe) at desktop and
 * phone width; then an operator accepts one, a real `terraform apply` in that account holds its lock
 * and the page shows it under that account, and the backend is ignored again (so no other spec sees
 * a new backend).
 */
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { memberCredentials } from '../lib/testing/discovery-org';
import { TERRAFORM_SKIP_REASON, TerraformDir, terraformInfo } from '../scripts/lib/terraform-cli';
import { e2eEnv, expect, test } from './fixtures';

function estateAccounts(): string[] {
  const file = JSON.parse(fs.readFileSync(process.env.LOCKBOARD_CONFIG ?? '', 'utf8')) as { discovery: { accounts: string[] } };
  return file.discovery.accounts;
}

async function expectNoSeriousViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`);
  expect(report, report.join('\n\n')).toEqual([]);
}

const account = (page: Page, id: string) => page.locator(`[data-testid="estate-account"][data-account="${id}"]`);
const row = (page: Page, id: string) => account(page, id).getByTestId('estate-backend');

for (const width of [1440, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });
    test.describe.configure({ timeout: 120_000 });

    test('accounts → proposed backends, the roll-up, filters; no sideways scroll; axe clean', async ({ page }, info) => {
      const [a, b] = estateAccounts();
      await page.goto('/estate');
      await expect(page.getByRole('heading', { name: 'Estate', level: 1 })).toBeVisible();
      await expect(page.getByTestId('discovery-progress')).toContainText('Last discovery run');
      for (const id of [a!, b!]) {
        await expect(row(page, id)).toHaveAttribute('data-status', 'proposed');
        await expect(row(page, id)).toContainText('s3://lockboard-e2e-estate-');
        await expect(row(page, id)).toContainText('table tf-locks');
      }
      await expect(page.getByRole('button', { name: '2 of 2 accounts: backends to review (2 backends)' })).toBeVisible();
      await expectNoSeriousViolations(page);
      if (width === 390) {
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        await expect(row(page, a!).getByText('Status:')).toBeVisible();
      }
      await page.screenshot({ path: info.outputPath(`estate-${width}.png`), fullPage: true });

      // A roll-up is a filter: only the proposals remain (the configured backends' group goes).
      await page.getByRole('button', { name: /backends to review/ }).click();
      await expect(page).toHaveURL(/problem=proposed/);
      await expect(page.getByTestId('estate-account')).toHaveCount(2);
      await page.getByLabel('Account', { exact: true }).selectOption(b!);
      await expect(page.getByTestId('estate-account')).toHaveCount(1);
      await expect(account(page, b!)).toBeVisible();
    });
  });
}

test.describe('deciding', () => {
  test.describe.configure({ timeout: 180_000 });

  test('accept a proposal, see a real terraform apply lock under its account, then ignore it again', async ({ page }) => {
    const [a, b] = estateAccounts();
    await page.goto('/estate');
    await row(page, a!).getByRole('button', { name: /^Accept s3:\/\// }).click();
    const dialog = page.getByRole('dialog', { name: 'Watch this backend?' });
    await dialog.getByLabel(/Reason/).fill('platform account, e2e');
    await dialog.getByRole('button', { name: 'Accept', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('decision-notice')).toBeVisible();
    await expect(row(page, a!)).toHaveAttribute('data-status', 'watched');
    await expect(row(page, a!)).toContainText('0 held');
    await expect(row(page, b!)).toHaveAttribute('data-status', 'proposed');

    const tf = terraformInfo();
    if (tf) {
      const dir = new TerraformDir({ endpoint: e2eEnv.motoEndpoint, bucket: 'lockboard-e2e-estate-0', key: 'e2e-run/terraform.tfstate', dynamodbTable: 'tf-locks', useLockfile: true, sleepSeconds: 15, credentials: await memberCredentials(e2eEnv.motoEndpoint, a!) });
      try {
        await dir.init();
        const apply = dir.startApply();
        try {
          await expect(row(page, a!)).toContainText('1 held', { timeout: 30_000 });
          await expect(row(page, b!)).toContainText('not watched');
          await expect(page.getByRole('button', { name: '1 of 2 accounts: locks held (1 backend)' })).toBeVisible();
          await expect((await apply.exited).code).toBe(0);
        } finally {
          await apply.kill9();
        }
        await expect(row(page, a!)).toContainText('0 held', { timeout: 15_000 });
      } finally {
        dir.cleanup();
      }
    } else {
      console.warn(`[estate.spec] the real-Terraform part is skipped: ${TERRAFORM_SKIP_REASON}`);
    }

    await row(page, a!).getByRole('button', { name: /^Ignore s3:\/\// }).click();
    const ignore = page.getByRole('dialog', { name: 'Ignore this backend?' });
    await ignore.getByLabel(/Reason/).fill('done with the e2e check');
    await ignore.getByRole('button', { name: 'Ignore', exact: true }).click();
    await expect(row(page, a!)).toHaveAttribute('data-status', 'ignored');
    await expect(row(page, a!)).toContainText('ignored by anonymous: done with the e2e check');
  });
});
