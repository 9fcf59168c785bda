/**
 * The state page agrees with the evidence it shows, at desktop and phone width, in a real browser
 * against the built app and moto: a version whose content fails the recorded digest is credited to no
 * lock holder; a deleted state's delete marker is not "current" and is not counted as a version; a
 * `.tflock`-only backend has no digest by design (never "missing"); a frozen state offers neither
 * Restore nor the CLI force-unlock and does not call Lockboard's version a Terraform version; the
 * restore dialog of a locked state opens with the holder and the reason in view.
 */
import crypto from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { stateDocument } from '../scripts/lib/terraform-writer';
import { expect, freezeThroughApi, test } from './fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** S3 stamps LastModified in whole seconds: each lock cycle gets its own second. */
const nextSecond = () => sleep(1000 - (Date.now() % 1000) + 60);
const statePath = (backendId: string, key: string) => `/state?backend=${encodeURIComponent(backendId)}&key=${encodeURIComponent(key)}`;

for (const width of [1440, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });

    test('a version whose content fails the recorded digest is not credited to the lock holder, on the timeline and the states list', async ({ page, seed, backends, prefix }) => {
      const main = backends.main;
      const key = `${prefix}hand/terraform.tfstate`;
      const lineage = crypto.randomUUID();
      // A Terraform apply: lock, state + digest, unlock.
      await nextSecond();
      await seed.lock(main, key, { over: { who: 'alice@e2e', operation: 'OperationTypeApply' } });
      const v1 = await seed.state(main, key, stateDocument({ serial: 1, lineage }));
      await seed.unlock(main, key);
      // Right after, within the clock tolerance of that lock, someone uploads a state by hand: the digest is not updated.
      const put = await seed.writer(main).s3.send(new PutObjectCommand({ Bucket: main.bucket, Key: key, Body: stateDocument({ serial: 2, lineage }), ContentType: 'application/json' }));

      await page.goto(statePath(main.id, key));
      await expect(page.getByTestId('digest-panel').getByTestId('digest-badge')).toHaveAttribute('data-status', 'mismatch');
      const rows = page.getByTestId('version-row');
      await expect(rows).toHaveCount(2);
      await expect(rows.nth(0)).toHaveAttribute('data-version-id', put.VersionId!);
      const hand = rows.nth(0).getByTestId('writer');
      await expect(hand).toHaveAttribute('data-writer-kind', 'not_terraform');
      await expect(hand).toContainText('not written by Terraform');
      await expect(hand).toContainText('Its content fails the digest Terraform recorded');
      await expect(hand).toContainText('alice@e2e (apply) held the lock');
      await expect(hand).toContainText('not credited');
      await expect(hand).not.toContainText('likely');
      // The digest names one content: the version Terraform wrote keeps its writer.
      await expect(rows.nth(1)).toHaveAttribute('data-version-id', v1.versionId!);
      await expect(rows.nth(1).getByTestId('writer')).toHaveAttribute('data-writer-kind', 'writer');
      await expect(rows.nth(1).getByTestId('writer')).toContainText('alice@e2e');

      // The states list's last writer says the same.
      await page.goto(`/states?q=${encodeURIComponent(key)}`);
      const lastWriter = page.locator(`[data-testid="state-row"][data-key="${key}"]`).getByTestId('last-writer');
      await expect(lastWriter.getByTestId('writer')).toHaveAttribute('data-writer-kind', 'not_terraform', { timeout: 20_000 });
      await expect(lastWriter).toContainText('not written by Terraform');
      await expect(lastWriter).not.toContainText('likely');
    });

    test("a deleted state's page calls its delete marker deleted, not current, and counts versions apart from delete markers", async ({ page, seed, backends, prefix }) => {
      const main = backends.main;
      const key = `${prefix}gone/terraform.tfstate`;
      const v1 = await seed.state(main, key, stateDocument({ serial: 1, lineage: crypto.randomUUID() }));
      const deleted = await seed.writer(main).s3.send(new DeleteObjectCommand({ Bucket: main.bucket, Key: key }));

      await page.goto(statePath(main.id, key));
      const rows = page.getByTestId('version-row');
      await expect(rows).toHaveCount(2);
      await expect(rows.nth(0)).toHaveAttribute('data-version-id', deleted.VersionId!);
      await expect(rows.nth(0)).toHaveAttribute('data-delete-marker', 'true');
      await expect(rows.nth(0)).toContainText('deleted: latest is a delete marker');
      await expect(rows.nth(1)).toHaveAttribute('data-version-id', v1.versionId!);
      // Nothing on the page is called current: the state has no current version.
      await expect(page.getByText('current', { exact: true })).toHaveCount(0);
      await expect(page.getByTestId('state-deleted')).toHaveText('deleted');
      await expect(page.getByTestId('version-count')).toContainText('1 version and 1 delete marker');
      await expect(page.getByText('The timeline lists 1 version and 1 delete marker: with a single version there is nothing to compare yet.')).toBeVisible();
      await expect(page.getByText('Only one version exists')).toHaveCount(0);
      // The version can be restored over the delete marker.
      await expect(rows.nth(1).getByRole('button', { name: `Restore version ${v1.versionId}` })).toBeVisible();
    });

    test('a .tflock-only backend shows no digest by design, never "missing", on the state page, the states list and the API', async ({ page, seed, backends, prefix }) => {
      const second = backends.second;
      const key = `${prefix}files/terraform.tfstate`;
      await seed.state(second, key, stateDocument({ serial: 1, lineage: crypto.randomUUID() }));

      const api = await page.request.get(`/api/backends/${second.id}/states`);
      const entry = ((await api.json()) as { states: Array<{ key: string; digestStatus: string; digestReason?: string }> }).states.find((s) => s.key === key);
      expect(entry).toMatchObject({ digestStatus: 'not_applicable', digestReason: expect.stringMatching(/by design/) });

      await page.goto(statePath(second.id, key));
      const panel = page.getByTestId('digest-panel');
      await expect(panel.getByTestId('digest-badge')).toHaveAttribute('data-status', 'not_applicable');
      await expect(panel.getByTestId('digest-badge')).toHaveText('no digest: lock files only');
      await expect(panel).toContainText('none by design (lock files only)');
      await expect(panel).toContainText('OpenTofu keeps none');
      await expect(panel).not.toContainText(/missing/i);
      await expect(panel.getByRole('button', { name: /Repair the digest/ })).toHaveCount(0);

      await page.goto(`/states?q=${encodeURIComponent(key)}`);
      const row = page.locator(`[data-testid="state-row"][data-key="${key}"]`);
      await expect(row).toHaveAttribute('data-digest-status', 'not_applicable');
      await expect(row.getByTestId('digest-badge')).toHaveText('no digest: lock files only');
      await expect(row).not.toContainText(/missing/i);
      await expect(page.getByTestId('status-count-not_applicable')).toContainText('no digest: lock files only');
      await expect(page.getByTestId('status-count-missing').getByTestId('status-count-value')).toHaveText('0');
    });

    test('a frozen state offers no Restore and no CLI force-unlock, and names Lockboard (not a Terraform version) as the taker', async ({ page, seed, backends, prefix, baseURL }) => {
      const main = backends.main;
      const key = `${prefix}frozen/terraform.tfstate`;
      const lineage = crypto.randomUUID();
      const v1 = await seed.state(main, key, stateDocument({ serial: 1, lineage }));
      await seed.state(main, key, stateDocument({ serial: 2, lineage }));
      // Lockboard's own freeze (its lock's Version is Lockboard's; a look-alike lock without the signed marker is not a freeze).
      await freezeThroughApi(page.request, baseURL!, main, key, 'quarter-end audit');
      seed.track(main, key);

      await page.goto(statePath(main.id, key));
      const holder = page.getByTestId('holder-card');
      await expect(holder.getByTestId('holder-freeze')).toContainText('Frozen by anonymous: quarter-end audit');
      await expect(holder.getByTestId('holder-version')).toHaveText('Lockboard 0.1.0 (a freeze, not a Terraform run)');
      await expect(holder.getByText('Terraform version')).toHaveCount(0);
      await expect(holder.getByRole('button', { name: /Copy CLI/ })).toHaveCount(0);
      await expect(holder.getByRole('button', { name: `Unfreeze ${key}` })).toBeVisible();
      await expect(page.getByTestId('version-row')).toHaveCount(2);
      await expect(page.getByTestId('versions-note')).toHaveText('Frozen by anonymous: no version can be restored until the state is unfrozen.');
      await expect(page.getByRole('button', { name: `Restore version ${v1.versionId}` })).toHaveCount(0);
      await expect(page.getByRole('button', { name: /^Restore version/ })).toHaveCount(0);
    });

    test('the restore dialog of a locked state opens with the holder and why it is blocked in view', async ({ page, seed, backends, prefix }) => {
      const main = backends.main;
      const key = `${prefix}locked/terraform.tfstate`;
      const lineage = crypto.randomUUID();
      const v1 = await seed.state(main, key, stateDocument({ serial: 1, lineage }));
      await seed.state(main, key, stateDocument({ serial: 2, lineage }));
      await seed.lock(main, key, { over: { who: 'erin@e2e', operation: 'OperationTypeApply' } });

      await page.goto(statePath(main.id, key));
      await expect(page.getByTestId('holder-card').getByTestId('holder-who')).toHaveText('erin@e2e');
      await page.getByRole('button', { name: `Restore version ${v1.versionId}` }).click();
      const dialog = page.getByRole('dialog', { name: 'Restore this version?' });
      await expect(dialog).toBeVisible();
      const locked = dialog.getByTestId('restore-locked');
      await expect(locked).toContainText('This state is locked: it cannot be restored now.');
      await expect(locked.getByText('This state is locked: it cannot be restored now.')).toBeInViewport();
      await expect(dialog.getByTestId('restore-holder-who')).toHaveText('erin@e2e');
      await expect(dialog.getByTestId('restore-holder-who')).toBeInViewport();
      await expect(locked).toBeFocused();
      await expect(dialog.getByRole('button', { name: 'Restore version' })).toHaveCount(0);
    });
  });
}
