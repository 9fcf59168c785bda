/**
 * The Audit page at 1440 and 390 px: the subtitle names every audited action, a record's state key
 * links to its state page, its details open below it and fit (nothing scrolls sideways inside the
 * table's box, cards on a phone), and axe finds no serious violation.
 */
import { AUDIT_ACTION_WORDS } from '../lib/client/audit-words';
import { expect, freezeThroughApi, test } from './fixtures';
import { expectNoSeriousViolations, expectNoSidewaysScroll } from './page-checks';

for (const width of [1440, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });
    test.describe.configure({ timeout: 120_000 });

    test('every action named, keys linked, details fit', async ({ page, seed, backends, prefix, baseURL }) => {
      const main = backends.main;
      const key = `${prefix}a-rather-long-directory-name-for-the-layout-check/with/several/segments/terraform.tfstate`;
      const reason = 'Quarterly database audit in progress: no applies until the auditors sign off; ask #platform-oncall before unfreezing. '.repeat(2).trim();
      // A freeze is an audited mutation with a key and a reason (and a long "seen"/details record).
      const auditId = await freezeThroughApi(page.request, baseURL!, main, key, reason);
      try {
        await page.goto(`/audit?${new URLSearchParams({ backend: main.id, id: auditId })}`);
        const section = page.locator('section[aria-labelledby="audit-heading"]');
        for (const words of Object.values(AUDIT_ACTION_WORDS)) await expect(section.locator('p').first()).toContainText(words);

        const row = page.getByTestId('audit-row');
        await expect(row).toHaveCount(1);
        await expect(row).toContainText(reason);
        await expect(row.getByRole('link', { name: key })).toHaveAttribute('href', `/state?${new URLSearchParams({ backend: main.id, key })}`);
        const toggle = row.getByRole('button', { name: 'Details' });
        await expect(toggle).toHaveAttribute('aria-expanded', 'true');
        const details = page.getByTestId('audit-details');
        await expect(details).toContainText(auditId);
        await expect(details).toContainText('Seen by the operator');

        await expectNoSidewaysScroll(page, section);
        const [sectionBox, detailsBox] = [await section.boundingBox(), await details.boundingBox()];
        expect(detailsBox!.x + detailsBox!.width).toBeLessThanOrEqual(sectionBox!.x + sectionBox!.width + 1);
        await expectNoSeriousViolations(page);

        await toggle.click();
        await expect(toggle).toHaveAttribute('aria-expanded', 'false');
        await expect(details).toHaveCount(0);
        await row.getByRole('link', { name: key }).click();
        await expect(page.getByTestId('holder-card')).toContainText('frozen on purpose');
      } finally {
        await seed.unlock(main, key);
      }
    });
  });
}
