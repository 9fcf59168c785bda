/**
 * Liveness in a real browser against the built app and moto: a lock whose `lockboard run` heartbeat
 * is fresh shows `alive` in its row, and the unlock dialog leads with that evidence (before the holder
 * and what would be deleted) and warns; a lock without heartbeat says why it is unknown. Axe finds no
 * serious violation in the dialog, on a desktop and on a phone.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DEFAULT_HEARTBEAT_PREFIX, heartbeatKey } from '../lib/api/heartbeat';
import { expect, lockRow, openOverview, test } from './fixtures';
import { expectNoSeriousViolations, expectNoSidewaysScroll } from './page-checks';

for (const [name, viewport] of [['desktop', { width: 1440, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
  test(`${name}: a beating lock is alive in its row, and the unlock dialog leads with the evidence`, async ({ page, seed, backends, prefix }) => {
    await page.setViewportSize(viewport);
    const key = `${prefix}live/terraform.tfstate`;
    const plain = `${prefix}plain/terraform.tfstate`;
    const info = await seed.lock(backends.main, key, { createdMs: Date.now() - 20 * 60_000, over: { who: 'ci@runner-9', operation: 'OperationTypeApply' } });
    await seed.lock(backends.main, plain, { createdMs: Date.now() - 60_000 });
    const beat = { v: 1, lockId: info.id, who: info.who, created: info.created, key, host: 'runner-9', pid: 4242, command: 'terraform apply -auto-approve', state: 'running', intervalSeconds: 15, startedAt: new Date(Date.now() - 20 * 60_000).toISOString() };
    await seed.writer(backends.main).s3.send(new PutObjectCommand({ Bucket: backends.main.bucket, Key: heartbeatKey(DEFAULT_HEARTBEAT_PREFIX, info.id, 'runner-9.4242.1'), Body: JSON.stringify(beat) }));

    await openOverview(page, prefix);
    const row = lockRow(page, key);
    await expect(row.locator('[data-testid="liveness-badge"]:visible').first()).toHaveAttribute('data-liveness', 'alive');
    await expect(lockRow(page, plain).locator('[data-testid="liveness-badge"]:visible').first()).toHaveAttribute('data-liveness', 'unknown');

    await row.getByRole('button', { name: `Unlock ${key}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Force-unlock this state?' });
    const evidence = dialog.getByTestId('unlock-liveness');
    await expect(evidence).toBeVisible();
    await expect(evidence.getByTestId('unlock-liveness-evidence')).toHaveAttribute('data-liveness', 'alive');
    await expect(evidence).toContainText('Last heartbeat');
    await expect(evidence).toContainText('runner-9');
    await expect(evidence).toContainText('4242');
    await expect(evidence).toContainText('Its heartbeat is fresh');
    // First: before the holder's details and what the unlock deletes.
    const order = await dialog.evaluate((d) => ['unlock-liveness', 'unlock-holder', 'unlock-deletes'].map((id) => [...d.querySelectorAll('[data-testid]')].findIndex((e) => e.getAttribute('data-testid') === id)));
    expect(order[0]).toBeGreaterThanOrEqual(0);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    await expectNoSeriousViolations(page, '[data-testid="unlock-dialog"]');
    await expectNoSidewaysScroll(page, dialog);
    await page.screenshot({ path: `test-results/liveness-dialog-${name}.png`, fullPage: false });
  });
}
