/**
 * The Alerts page without channels explains how to add one, with an example channel and event (the
 * e2e app's configuration, scripts/e2e.ts, has none; with channels, the page lists them instead).
 */
import fs from 'node:fs';
import { expect, test } from './fixtures';
import { expectNoSeriousViolations, expectNoSidewaysScroll } from './page-checks';

const channels = (): unknown[] => (JSON.parse(fs.readFileSync(process.env.LOCKBOARD_CONFIG ?? '', 'utf8')) as { channels?: unknown[] }).channels ?? [];

for (const width of [1440, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });

    test('without channels: how to add one, an example channel and the event it would receive', async ({ page }) => {
      await page.goto('/alerts');
      await expect(page.getByRole('heading', { name: 'Alerts', exact: true })).toBeVisible();
      const help = page.getByTestId('no-channels');
      if (channels().length > 0) {
        // This run's configuration has channels: the page lists them and gives no "add one" help.
        await expect(help).toHaveCount(0);
        return;
      }
      await expect(help.getByRole('heading', { name: 'No alert channels yet' })).toBeVisible();
      await expect(help).toContainText('LOCKBOARD_CONFIG');
      const example = help.getByLabel('Example channel configuration');
      await expect(example).toContainText('"type": "webhook"');
      await expect(example).toContainText('"secretEnv": "LOCKBOARD_HOOK_SECRET"');
      const event = help.getByLabel('Example event');
      await expect(event).toContainText('"type": "lock.stale"');
      await expect(event).toContainText('"forceUnlock": "terraform force-unlock');
      await expectNoSidewaysScroll(page, help);
      await expectNoSeriousViolations(page);
    });
  });
}
