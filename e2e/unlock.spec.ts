/**
 * Force-unlock and digest repair in a real browser against the built app and moto: the typed
 * confirmation, the row leaving the overview, the new holder shown on a 409, the digest repair of a
 * hand-uploaded state, and no actions at all in read-only mode.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { stateDocument, TerraformWriter } from '../scripts/lib/terraform-writer';
import { marshalLockInfo } from '../lib/terraform/lock-info';
import { lockfileKey, lockPath } from '../lib/terraform/paths';
import { e2eEnv, expect, lockRow, openOverview, test } from './fixtures';

const HOUR_MS = 60 * 60 * 1000;

test('the unlock dialog shows the holder, stays disabled until the ID is typed, and the row disappears', async ({ page, seed, backends, prefix }) => {
  const key = `${prefix}app/terraform.tfstate`;
  const info = await seed.lock(backends.main, key, { createdMs: Date.now() - 3 * HOUR_MS, over: { who: 'ci@runner-17', operation: 'OperationTypeApply', version: '1.11.4' } });
  await openOverview(page, prefix);
  await expect(page.getByText('No authentication configured.')).toBeVisible();

  const row = lockRow(page, key);
  await row.getByRole('button', { name: `Unlock ${key}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Force-unlock this state?' });
  await expect(dialog).toBeVisible();
  const holder = dialog.getByTestId('unlock-holder');
  await expect(holder.getByText('ci@runner-17')).toBeVisible();
  await expect(holder.getByText('OperationTypeApply')).toBeVisible();
  await expect(holder.getByText('1.11.4')).toBeVisible();
  await expect(holder.getByText(info.id)).toBeVisible();
  await expect(holder.getByText(/3h \d+m ago/)).toBeVisible();
  await expect(dialog.getByText('A run may still be writing this state.')).toBeVisible();
  // Exactly what goes: the DynamoDB item and the .tflock object of this (dual-mode) lock, and the CLI way.
  const deletes = dialog.getByTestId('unlock-deletes');
  await expect(deletes).toContainText(`LockID = ${backends.main.bucket}/${key}`);
  await expect(deletes).toContainText(`in table ${backends.main.dynamodbTable}`);
  await expect(deletes).toContainText(`s3://${backends.main.bucket}/${key}.tflock`);
  await expect(dialog.getByTestId('unlock-cli')).toContainText(`terraform force-unlock '${info.id}'`);
  await expect(dialog.getByTestId('unlock-cli')).not.toContainText('workspace select');

  // Keyboard: the reason field has the focus, Esc closes, focus is back on the opener, the dialog reopens empty.
  await expect(dialog.getByLabel(/Reason/)).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(row.getByRole('button', { name: `Unlock ${key}` })).toBeFocused();
  await row.getByRole('button', { name: `Unlock ${key}` }).click();
  await expect(dialog).toBeVisible();

  const confirm = dialog.getByRole('button', { name: 'Force-unlock' });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/Reason/).fill('runner-17 was terminated mid-apply');
  await expect(confirm).toBeDisabled();
  const idField = dialog.getByLabel(/Type the lock ID/);
  await idField.fill('not-the-id');
  await expect(confirm).toBeDisabled();
  await idField.fill(info.id.slice(0, 7));
  await expect(confirm).toBeDisabled();
  await idField.fill(info.id.slice(0, 8));
  await expect(confirm).toBeEnabled();
  await confirm.click();

  await expect(dialog).toBeHidden();
  await expect(lockRow(page, key)).toHaveCount(0);
  // Confirmed in the page (a polite live region that takes the focus, its opener being gone), with the time and the audit record.
  const notice = page.getByTestId('unlock-notice');
  await expect(notice).toContainText(`Force-unlocked ${key}`);
  await expect(notice).toHaveAttribute('data-tone', 'success');
  await expect(notice.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  const region = page.locator('#action-notices');
  await expect(region).toHaveAttribute('role', 'status');
  await expect(region).toHaveAttribute('aria-live', 'polite');
  await expect(region).toBeFocused();
  await notice.getByRole('link', { name: 'audit record' }).click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?backend=${backends.main.id}&id=[0-9a-f-]{36}$`));
  const opened = page.getByTestId('audit-row');
  await expect(opened).toHaveCount(1);
  await expect(opened).toContainText(key);
  await expect(opened.getByText('runner-17 was terminated mid-apply')).toBeVisible();
  await expect(opened.getByRole('button', { name: 'Details' })).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('audit-details').getByText(`"${info.id}"`).first()).toBeVisible();
  await openOverview(page, prefix);
  // It stays gone after the next polls (it really is released), and the attempt is on the record.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Live locks' })).toBeVisible();
  await expect(lockRow(page, key)).toHaveCount(0);
  await page.goto(`/audit?backend=${backends.main.id}&action=force-unlock`);
  const record = page.getByTestId('audit-row').filter({ hasText: key });
  await expect(record).toHaveCount(1);
  await expect(record.getByText('succeeded')).toBeVisible();
  await expect(record.getByText('runner-17 was terminated mid-apply')).toBeVisible();
});

test('a .tflock-only lock in a workspace: the dialog lists only the .tflock and the CLI selects the workspace', async ({ page, seed, backends, prefix }) => {
  const key = `env:/staging/${prefix}ws/terraform.tfstate`;
  const info = await seed.lock(backends.second, key);
  await openOverview(page, prefix);
  await lockRow(page, key).getByRole('button', { name: `Unlock ${key}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Force-unlock this state?' });
  const deletes = dialog.getByTestId('unlock-deletes');
  await expect(deletes).toContainText(`s3://${backends.second.bucket}/${key}.tflock`);
  await expect(deletes).not.toContainText('LockID');
  await expect(deletes.getByRole('listitem')).toHaveCount(1);
  await expect(dialog.getByTestId('unlock-cli')).toContainText(`terraform workspace select 'staging' && terraform force-unlock '${info.id}'`);
});

test('a lock replaced while the dialog is open: 409, the dialog shows the new holder, the new lock stays', async ({ page, seed, backends, prefix }) => {
  const key = `${prefix}replaced/terraform.tfstate`;
  const old = await seed.lock(backends.main, key, { over: { who: 'old@runner' } });
  await openOverview(page, prefix);
  await lockRow(page, key).getByRole('button', { name: `Unlock ${key}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Force-unlock this state?' });
  await expect(dialog.getByTestId('unlock-holder').getByText(old.id)).toBeVisible();

  // Another run takes over the lock (overwritten in place on both sides, so the row never vanishes).
  const next = TerraformWriter.lockInfo(backends.main.bucket, key, { who: 'newer@runner', operation: 'OperationTypePlan' });
  const json = marshalLockInfo(next);
  const w = seed.writer(backends.main);
  await w.putRawItem(backends.main.dynamodbTable!, { LockID: lockPath(backends.main.bucket, key), Info: json });
  await w.s3.send(new PutObjectCommand({ Bucket: backends.main.bucket, Key: lockfileKey(key), Body: json, ContentType: 'application/json' }));

  await dialog.getByLabel(/Reason/).fill('stale');
  await dialog.getByLabel(/Type the lock ID/).fill(old.id);
  await dialog.getByRole('button', { name: 'Force-unlock' }).click();

  const conflict = dialog.getByTestId('unlock-conflict');
  await expect(conflict).toBeVisible();
  await expect(conflict.getByText('The lock changed: nothing was unlocked.')).toBeVisible();
  await expect(conflict.getByTestId('unlock-new-holder-who')).toHaveText('newer@runner');
  await expect(conflict.getByTestId('unlock-new-holder-id')).toHaveText(next.id);
  await expect(dialog.getByRole('button', { name: 'Force-unlock' })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(lockRow(page, key).getByText(next.id, { exact: true })).toBeVisible();
});

test('a digest broken by a hand upload is repaired from the states page', async ({ page, seed, backends, prefix }) => {
  const key = `${prefix}digest/terraform.tfstate`;
  const first = await seed.state(backends.main, key, stateDocument({ serial: 1, lineage: 'e2e-digest' }));
  const edited = stateDocument({ serial: 2, lineage: 'e2e-digest' });
  await seed.writer(backends.main).s3.send(new PutObjectCommand({ Bucket: backends.main.bucket, Key: key, Body: edited, ContentType: 'application/json' }));

  await page.goto(`/states?q=${encodeURIComponent(prefix)}`);
  const row = page.getByTestId('state-row').filter({ hasText: key });
  await expect(row).toHaveAttribute('data-digest-status', 'mismatch');
  await row.getByRole('button', { name: `Repair the digest of ${key}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Set the digest to the current object?' });
  await expect(dialog.getByTestId('repair-stored')).toHaveText(first.md5);
  const confirm = dialog.getByRole('button', { name: 'Set digest' });
  await dialog.getByLabel(/Reason/).fill('the edited state is the right one');
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/first 8 characters/).fill(first.md5.slice(0, 8));
  await confirm.click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveAttribute('data-digest-status', 'match');
  await expect(row.getByRole('button', { name: /Repair the digest/ })).toHaveCount(0);
});

test('read-only mode shows no actions and says so', async ({ page, seed, backends, prefix }) => {
  const key = `${prefix}ro/terraform.tfstate`;
  const info = await seed.lock(backends.main, key);
  await seed.state(backends.main, `${prefix}ro-state/terraform.tfstate`, stateDocument({ serial: 1, lineage: 'ro' }));
  await seed.writer(backends.main).putDigest(backends.main.dynamodbTable!, backends.main.bucket, `${prefix}ro-state/terraform.tfstate`, '0123456789abcdef0123456789abcdef');

  await page.goto(`${e2eEnv.readOnlyBaseURL}/?q=${encodeURIComponent(prefix)}`);
  await expect(page.getByText('Read-only mode:')).toBeVisible();
  const row = lockRow(page, key);
  await expect(row.getByText(info.id, { exact: true })).toBeVisible();
  await expect(row.getByRole('button', { name: /^Unlock/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Unlock/ })).toHaveCount(0);

  await page.goto(`${e2eEnv.readOnlyBaseURL}/states?q=${encodeURIComponent(prefix)}`);
  const stateRow = page.getByTestId('state-row').filter({ hasText: `${prefix}ro-state/` });
  await expect(stateRow).toHaveAttribute('data-digest-status', 'mismatch');
  await expect(page.getByRole('button', { name: /Repair the digest/ })).toHaveCount(0);

  // The server refuses too, whatever the page shows.
  const res = await page.request.post(`${e2eEnv.readOnlyBaseURL}/api/backends/${backends.main.id}/unlock`, {
    data: { key, id: info.id, reason: 'r' },
    headers: { origin: e2eEnv.readOnlyBaseURL },
  });
  expect(res.status()).toBe(403);
});
