/**
 * Incident triage in a real browser (issue 15): locks one run left, across two backends, shown as one
 * group; one bulk force-unlock with `UNLOCK <n>`, every lock's outcome listed (one changed meanwhile:
 * kept, shown as such); a freeze shown as "frozen" with its reason and released by "Unfreeze".
 */
import { expect, lockRow, openOverview, test } from './fixtures';

const MIN_MS = 60_000;

test('a killed run-all: one group across backends, one bulk unlock, a lock changed meanwhile is kept', async ({ page, seed, backends, prefix }) => {
  const t0 = Date.now() - 30 * MIN_MS;
  const over = { who: 'ci@runall-4711', operation: 'OperationTypeApply' };
  const keys = ['network', 'db', 'app'].map((n) => `${prefix}${n}/terraform.tfstate`);
  await seed.lock(backends.main, keys[0]!, { over, createdMs: t0 });
  await seed.lock(backends.main, keys[1]!, { over, createdMs: t0 + 20_000 });
  await seed.lock(backends.second, keys[2]!, { over, createdMs: t0 + 40_000 });
  await seed.lock(backends.main, `${prefix}other/terraform.tfstate`, { over: { who: 'alice@laptop' }, createdMs: t0 });

  await openOverview(page, prefix, { group: '1' });
  const group = page.getByTestId('lock-group').filter({ hasText: 'ci@runall-4711' });
  await expect(group).toHaveAttribute('data-count', '3');
  await expect(group.getByText('2 backends')).toBeVisible();
  await expect(page.getByTestId('lock-group')).toHaveCount(2);
  await expect(page).toHaveURL(/group=1/);

  await group.getByRole('checkbox', { name: /Select all 3 locks/ }).check();
  await expect(page.getByTestId('bulk-bar').getByText('3 selected', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Force-unlock 3 selected…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Force-unlock 3 locks?' });
  await expect(dialog).toBeVisible();
  // While the dialog is open (what the operator saw is fixed), another run takes over one of the keys.
  // (Taken over before the dialog opened, the page's next poll would drop it from the selection.)
  await seed.unlock(backends.main, keys[1]!);
  await seed.lock(backends.main, keys[1]!, { over: { who: 'bob@newer-run' } });
  const confirm = dialog.getByRole('button', { name: 'Force-unlock 3' });
  await dialog.getByLabel(/Reason/).fill('run-all job 4711 was cancelled');
  await dialog.getByLabel(/Type UNLOCK 3/).fill('UNLOCK 2');
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/Type UNLOCK 3/).fill('UNLOCK 3');
  await confirm.click();

  const result = dialog.getByTestId('bulk-unlock-result');
  await expect(result.getByText('Partly done: 2 of 3 released.')).toBeVisible();
  await expect(result.locator('[data-outcome="released"]')).toHaveCount(2);
  const changed = result.locator('[data-outcome="changed"]');
  await expect(changed).toContainText(keys[1]!);
  await expect(changed).toContainText('bob@newer-run');
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  // The page says it too (partly done: amber), with the bulk action's audit record of each backend.
  const notice = page.getByTestId('bulk-unlock-notice');
  await expect(notice).toContainText('Force-unlocked 2 of 3 selected locks.');
  await expect(notice).toHaveAttribute('data-tone', 'warning');
  await expect(notice.getByRole('link', { name: /audit record/ })).toHaveCount(2);

  await openOverview(page, prefix);
  await expect(lockRow(page, keys[0]!)).toHaveCount(0);
  await expect(lockRow(page, keys[2]!)).toHaveCount(0);
  await expect(lockRow(page, keys[1]!)).toContainText('bob@newer-run');
});

test('freeze a prefix with a reason: frozen (not stale) in the list, released by Unfreeze', async ({ page, seed, backends, prefix }) => {
  const key = `${prefix}prod/app/terraform.tfstate`;
  await seed.state(backends.main, key, JSON.stringify({ version: 4, serial: 1, lineage: 'l', outputs: {}, resources: [] }));
  await openOverview(page, prefix);
  await page.getByRole('button', { name: 'Freeze states…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Freeze states' });
  await dialog.getByLabel('Backend').selectOption(backends.main.id);
  await dialog.getByLabel('State key prefix').fill(`${prefix}prod/`);
  await expect(dialog.getByRole('button', { name: 'Freeze' })).toHaveAccessibleDescription('Give a reason first.');
  await dialog.getByLabel(/Reason/).fill('payments DB repair, ask #platform');
  await dialog.getByRole('button', { name: 'Freeze' }).click();
  await expect(dialog.getByTestId('freeze-result').getByText('All 1 frozen.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByTestId('freeze-notice')).toContainText(`Frozen: every state under ${prefix}prod/`);

  const row = lockRow(page, key);
  await expect(row.getByText('frozen', { exact: true })).toBeVisible();
  await expect(row.getByText('anonymous via Lockboard')).toBeVisible();
  // Unfreeze is a dialog with a reason (not window.prompt).
  await row.getByRole('button', { name: `Unfreeze ${key}` }).click();
  const unfreeze = page.getByRole('dialog', { name: 'Unfreeze this state?' });
  await expect(unfreeze).toContainText('payments DB repair, ask #platform');
  const go = unfreeze.getByRole('button', { name: 'Unfreeze', exact: true });
  await expect(go).toBeDisabled();
  await expect(go).toHaveAccessibleDescription('Give a reason first.');
  await unfreeze.getByLabel(/Reason/).fill('repair done');
  // Closing with a typed reason asks first; "Keep editing" keeps it.
  await page.keyboard.press('Escape');
  await expect(unfreeze.getByTestId('discard-reason')).toContainText('discard the reason you typed?');
  await unfreeze.getByRole('button', { name: 'Keep editing' }).click();
  await expect(unfreeze.getByLabel(/Reason/)).toHaveValue('repair done');
  await go.click();
  await expect(unfreeze).toBeHidden();
  await expect(lockRow(page, key)).toHaveCount(0);
  await expect(page.getByTestId('unfreeze-notice')).toContainText(`Unfrozen: ${key}`);
});
