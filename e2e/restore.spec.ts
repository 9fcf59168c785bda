/**
 * Restoring a prior state version from the state page, in a real browser against the built app and
 * a real moto server: the dialog shows the masked diff and the serial change, requires a reason and
 * the typed state key, works from the keyboard, and afterwards the timeline shows the new version
 * marked "restored from <version>". In read-only mode the action is not offered.
 */
import crypto from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { stateDocument } from '../scripts/lib/terraform-writer';
import { e2eEnv, expect, test } from './fixtures';

const SECRET = `e2e-restore-secret-${crypto.randomBytes(4).toString('hex')}`;

const resource = (name: string) => ({
  mode: 'managed',
  type: 'terraform_data',
  name,
  provider: 'provider["terraform.io/builtin/terraform"]',
  instances: [{ schema_version: 0, attributes: { id: `id-${name}`, input: { value: `${SECRET}-${name}`, type: 'string' } }, sensitive_attributes: [[{ type: 'get_attr', value: 'input' }]] }],
});

function doc(serial: number, lineage: string, names: string[]) {
  return stateDocument({
    serial,
    lineage,
    resources: names.map(resource),
    outputs: { token: { value: `${SECRET}-out-${serial}`, type: 'string', sensitive: true } },
  });
}

const statePath = (backendId: string, key: string) => `/state?backend=${encodeURIComponent(backendId)}&key=${encodeURIComponent(key)}`;

test('restores a version through the dialog: masked diff, reason and typed key required, marked in the timeline', async ({ page, seed, backends, prefix }) => {
  const main = backends.main;
  const key = `${prefix}app/terraform.tfstate`;
  const lineage = crypto.randomUUID();
  const v1 = await seed.state(main, key, doc(1, lineage, ['a', 'b']));
  await seed.state(main, key, doc(2, lineage, ['a']));
  const v3 = await seed.state(main, key, doc(3, lineage, ['a', 'c']));

  await page.goto(statePath(main.id, key));
  const rows = page.getByTestId('version-row');
  await expect(rows).toHaveCount(3);
  // The current version cannot be restored over itself.
  await expect(rows.nth(0).getByRole('button', { name: /Restore version/ })).toHaveCount(0);

  await page.getByRole('button', { name: `Restore version ${v1.versionId}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore this version?' });
  await expect(dialog).toBeVisible();

  // The diff now → chosen: b reappears, c disappears; secrets masked.
  const diff = dialog.getByTestId('diff-view');
  await expect(diff.locator('[data-testid="diff-resource"][data-address="terraform_data.b"]')).toHaveAttribute('data-action', 'added');
  await expect(diff.locator('[data-testid="diff-resource"][data-address="terraform_data.c"]')).toHaveAttribute('data-action', 'removed');
  await expect(diff.locator('[data-testid="diff-output"][data-name="token"]').getByTestId('sensitive-value')).toHaveCount(2);
  await expect(dialog.getByTestId('restore-serial')).toContainText('3 → 4');
  // The preview's "serial goes down" (3 → 1 between the compared versions) would contradict 3 → 4: not shown.
  await expect(diff).not.toContainText('serial goes down');
  await expect(dialog.getByTestId('restore-locked')).toHaveCount(0);
  await expect(dialog).toContainText('real infrastructure is not touched');
  expect(await page.locator('body').innerText()).not.toContain(SECRET);

  // Reason and the exact key are both required.
  const submit = dialog.getByRole('button', { name: 'Restore version' });
  await expect(submit).toBeDisabled();
  await dialog.getByLabel(/Reason/).fill('apply 3 broke the app; back to the state of apply 1');
  await expect(submit).toBeDisabled();
  const confirm = dialog.getByLabel('Type the state key to confirm');
  await confirm.fill(`${key}x`);
  await expect(submit).toBeDisabled();
  await confirm.fill(key);
  await expect(submit).toBeEnabled();
  // Keyboard: Enter in the confirmation field submits the form.
  await confirm.press('Enter');

  await expect(dialog).toBeHidden();
  const result = page.getByTestId('restore-result');
  await expect(result).toContainText('with serial 4');
  // A success, not a warning; in the page's live region, with its audit record.
  await expect(result).toHaveAttribute('data-tone', 'success');
  await expect(page.getByRole('status').filter({ has: result })).toHaveAttribute('aria-live', 'polite');
  await expect(result.getByRole('link', { name: 'audit record' })).toHaveAttribute('href', new RegExp(`^/audit\\?backend=${main.id}&id=[0-9a-f-]{36}$`));
  await expect(rows).toHaveCount(4);
  const newest = rows.nth(0);
  await expect(newest.getByTestId('restored-from')).toHaveAttribute('data-restored-from', v1.versionId!);
  // Its writer is the operator, from the version's own metadata (auth mode none: anonymous).
  await expect(newest.getByTestId('writer')).toHaveText('restored by anonymous via Lockboard');
  await expect(newest.getByTestId('serial')).toContainText('4');
  await expect(rows.nth(1)).toHaveAttribute('data-version-id', v3.versionId!);

  // What S3 now holds: the first document with serial 4, every other byte unchanged.
  const out = await seed.writer(main).s3.send(new GetObjectCommand({ Bucket: main.bucket, Key: key }));
  expect(await out.Body!.transformToString('utf-8')).toBe(doc(1, lineage, ['a', 'b']).replace('"serial": 1,', '"serial": 4,'));
});

test('the dialog closes with Escape and nothing changes', async ({ page, seed, backends, prefix }) => {
  const main = backends.main;
  const key = `${prefix}esc/terraform.tfstate`;
  const lineage = crypto.randomUUID();
  const v1 = await seed.state(main, key, doc(1, lineage, ['a']));
  await seed.state(main, key, doc(2, lineage, ['a', 'b']));
  await page.goto(statePath(main.id, key));
  await page.getByRole('button', { name: `Restore version ${v1.versionId}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore this version?' });
  await expect(dialog).toBeVisible();
  // Focus starts in the reason field; Esc closes; focus is back on the button that opened it.
  await expect(dialog.getByLabel(/Reason/)).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: `Restore version ${v1.versionId}` })).toBeFocused();
  await expect(page.getByTestId('version-row')).toHaveCount(2);
});

test('shows why a restore was refused when the state is locked', async ({ page, seed, backends, prefix }) => {
  const main = backends.main;
  const key = `${prefix}locked/terraform.tfstate`;
  const lineage = crypto.randomUUID();
  const v1 = await seed.state(main, key, doc(1, lineage, ['a']));
  await seed.state(main, key, doc(2, lineage, ['a', 'b']));
  // The lock appears between the dialog's last read of it and the click: the page keeps seeing no lock.
  await page.route(`**/api/backends/${main.id}/locks`, (route) => route.fulfill({ json: { locks: [], fetchedAt: new Date().toISOString(), errors: [], notices: [] } }));
  await page.goto(statePath(main.id, key));
  await page.getByRole('button', { name: `Restore version ${v1.versionId}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore this version?' });
  await expect(dialog.getByTestId('restore-serial')).toContainText('2 → 3');
  // Someone starts an apply while the dialog is open.
  const holder = await seed.lock(main, key, { over: { who: 'dave@ci', operation: 'OperationTypeApply' } });
  await dialog.getByLabel(/Reason/).fill('roll back');
  await dialog.getByLabel('Type the state key to confirm').fill(key);
  await dialog.getByRole('button', { name: 'Restore version' }).click();
  const error = dialog.getByTestId('restore-error');
  await expect(error).toContainText('[locked]');
  await expect(error).toContainText('dave@ci');
  await expect(error).toContainText(holder.id);
  await expect(error.getByTestId('restore-changed')).toContainText('No new version was written.');
  // Refused before Lockboard held anything: it does not claim to have released a lock.
  await expect(error.getByTestId('restore-changed')).toContainText('Lockboard had not taken a lock yet');
  await expect(error.getByTestId('restore-changed')).not.toContainText('was released');
  await expect(page.getByTestId('version-row')).toHaveCount(2);
});

test('a locked state: the dialog names the holder and offers no restore until the lock is released', async ({ page, seed, backends, prefix }) => {
  const main = backends.main;
  const key = `${prefix}held/terraform.tfstate`;
  const lineage = crypto.randomUUID();
  const v1 = await seed.state(main, key, doc(1, lineage, ['a']));
  await seed.state(main, key, doc(2, lineage, ['a', 'b']));
  const holder = await seed.lock(main, key, { over: { who: 'erin@ci', operation: 'OperationTypeApply' } });
  await page.goto(statePath(main.id, key));
  await page.getByRole('button', { name: `Restore version ${v1.versionId}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore this version?' });
  const locked = dialog.getByTestId('restore-locked');
  await expect(locked).toContainText('This state is locked');
  await expect(locked.getByTestId('restore-holder-who')).toHaveText('erin@ci');
  await expect(locked.getByTestId('restore-holder-id')).toContainText(holder.id);
  await dialog.getByLabel(/Reason/).fill('roll back');
  await dialog.getByLabel('Type the state key to confirm').fill(key);
  await expect(dialog.getByRole('button', { name: 'Restore version' })).toHaveCount(0);
  await expect(dialog.getByTestId('confirm-why')).toHaveText('The state is locked: restore once the lock is released.');

  // The run ends: the dialog reads the lock again and offers the restore, the typed fields kept.
  await seed.unlock(main, key);
  await expect(locked).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Restore version' })).toBeEnabled();
});

test('read-only mode offers no restore', async ({ page, seed, backends, prefix }) => {
  const main = backends.main;
  const key = `${prefix}ro/terraform.tfstate`;
  const lineage = crypto.randomUUID();
  await seed.state(main, key, doc(1, lineage, ['a']));
  await seed.state(main, key, doc(2, lineage, ['a', 'b']));
  await page.goto(`${e2eEnv.readOnlyBaseURL}${statePath(main.id, key)}`);
  await expect(page.getByTestId('version-row')).toHaveCount(2);
  await expect(page.getByTestId('version-row').nth(1).getByTestId('serial')).toContainText('1');
  await expect(page.getByRole('button', { name: /Restore version/ })).toHaveCount(0);
});
