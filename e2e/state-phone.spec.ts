/**
 * The state, search and inventory pages on a phone (390 px), in a real browser against the built app
 * and moto: no table scrolls sideways inside its box (the versions timeline, the inventory and the
 * restore windows become cards), the page itself does not scroll sideways, and axe finds no serious
 * violation (an unreachable scroller was one).
 */
import crypto from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { stateDocument } from '../scripts/lib/terraform-writer';
import { expect, test } from './fixtures';

test.use({ viewport: { width: 390, height: 844 } });
// Axe scans take several seconds each on a busy 2-core machine.
test.describe.configure({ timeout: 180_000 });

async function expectNoSeriousViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`);
  expect(report, report.join('\n\n')).toEqual([]);
}

/** Every element (under `root`) whose content is wider than its box and that scrolls sideways, or the page itself. */
async function sidewaysScrollers(page: Page, root: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth) out.push(`the page: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    for (const r of document.querySelectorAll(selector)) {
      for (const e of [r, ...r.querySelectorAll('*')]) {
        const overflow = getComputedStyle(e).overflowX;
        if ((overflow === 'auto' || overflow === 'scroll') && e.scrollWidth > e.clientWidth + 1) out.push(`${e.tagName.toLowerCase()}.${String(e.className).slice(0, 60)}: ${e.scrollWidth} > ${e.clientWidth}`);
      }
    }
    return out;
  }, root);
}

test('the versions timeline is cards on a phone: nothing scrolls sideways, axe finds nothing serious', async ({ page, seed, backends, prefix }) => {
  const main = backends.main;
  const key = `${prefix}a-rather-long/module-path/for-the-phone/terraform.tfstate`;
  const lineage = crypto.randomUUID();
  await seed.lock(main, key, { over: { who: 'frank@a-very-long-hostname.example.internal', operation: 'OperationTypeApply' } });
  await seed.state(main, key, stateDocument({ serial: 1, lineage }));
  await seed.unlock(main, key);
  await seed.state(main, key, stateDocument({ serial: 2, lineage }));
  await seed.state(main, key, stateDocument({ serial: 3, lineage }));

  await page.goto(`/state?backend=${encodeURIComponent(main.id)}&key=${encodeURIComponent(key)}`);
  const rows = page.getByTestId('version-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0).getByTestId('serial')).toContainText('3');
  await expect(page.getByTestId('diff-view')).toBeVisible();
  expect(await sidewaysScrollers(page, 'main')).toEqual([]);
  await expectNoSeriousViolations(page);
  // A card names its cells (the table header is hidden on a phone).
  await expect(rows.nth(0).getByText('Serial:')).toBeVisible();
  await expect(page.locator('table:has([data-testid="version-row"]) thead')).toBeHidden();
});

test('the inventory and its restore windows are cards on a phone, and search fits: nothing scrolls sideways, axe finds nothing serious', async ({ page, seed, backends, prefix }) => {
  const key = `${prefix}inventory/with-a-long/path/terraform.tfstate`;
  const resource = { mode: 'managed', type: 'aws_s3_bucket', name: 'phone', provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ attributes: {} }] };
  await seed.state(backends.main, key, stateDocument({ serial: 3, lineage: crypto.randomUUID(), resources: [resource] }));

  await page.goto('/inventory');
  const row = page.locator(`[data-testid="inventory-state"][data-key="${key}"]`);
  // The restore windows of the backend's states (cached for 5 minutes, so not necessarily this one's yet).
  await expect(page.locator('[data-testid="posture-state"]').first()).toBeVisible({ timeout: 30_000 });
  expect(await sidewaysScrollers(page, 'main')).toEqual([]);
  // The index catches up with the new state within a pass.
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 45_000 });
  await expect(page.locator('[data-testid="posture-state"]').first()).toBeVisible({ timeout: 30_000 });
  await expect(row.getByText('Serial:')).toBeVisible();
  expect(await sidewaysScrollers(page, 'main')).toEqual([]);
  await expectNoSeriousViolations(page);

  await page.goto(`/search?q=${encodeURIComponent(`type:aws_s3_bucket state:${prefix}`)}`);
  await expect(async () => {
    await page.reload();
    await expect(page.locator(`[data-testid="search-hit"][data-key="${key}"]`)).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 45_000 });
  expect(await sidewaysScrollers(page, 'main')).toEqual([]);
  await expectNoSeriousViolations(page);
});
