/**
 * The live-locks overview in a real browser against the built app and a real moto server: seeded
 * locks with their holder metadata, live appearance and removal, filters in the URL, and the error
 * banner of an unreachable backend.
 */
import type { Page } from '@playwright/test';
import { e2eEnv, expect, flaky, lockRow, openOverview, test } from './fixtures';

const DAY_MS = 24 * 60 * 60 * 1000;

test('lists the seeded locks with holder metadata, stale and problem badges', async ({ page, context, seed, backends, prefix }) => {
  const fresh = await seed.lock(backends.main, `${prefix}network/terraform.tfstate`, {
    over: { who: 'alice@build-42', operation: 'OperationTypePlan', version: '1.9.8', info: 'CI run https://ci.example.com/runs/42 (javascript:alert(1))' },
  });
  const stale = await seed.lock(backends.main, `${prefix}old/terraform.tfstate`, { createdMs: Date.now() - 3 * DAY_MS, over: { who: 'bob@laptop' } });
  const workspaceKey = `env:/staging/${prefix}app/terraform.tfstate`;
  await seed.lock(backends.main, workspaceKey, { over: { who: 'carol@ci' } });
  // Dual-mode backend with the DynamoDB side only: Terraform would see a split lock.
  await seed.lock(backends.main, `${prefix}split/terraform.tfstate`, { sides: 'dynamodb' });
  await seed.rawLockItem(backends.main, `${prefix}broken/terraform.tfstate`, '{not json');
  const fileOnly = await seed.lock(backends.second, `${prefix}files/terraform.tfstate`, { over: { operation: 'state-mv' } });

  await openOverview(page, prefix);

  const freshRow = lockRow(page, `${prefix}network/terraform.tfstate`);
  await expect(freshRow).toBeVisible();
  await expect(freshRow.getByRole('cell', { name: 'alice@build-42' })).toBeVisible();
  // The operation in words, what Terraform wrote on hover.
  await expect(freshRow.getByRole('cell', { name: 'plan', exact: true })).toBeVisible();
  await expect(freshRow.getByTitle('OperationTypePlan', { exact: true })).toHaveText('plan');
  // Info is shown; its http(s) URL is a link opened apart, anything else stays text.
  const info = freshRow.getByTestId('lock-info');
  await expect(info).toContainText('CI run https://ci.example.com/runs/42 (javascript:alert(1))');
  await expect(info.getByRole('link')).toHaveCount(1);
  const ciLink = info.getByRole('link', { name: 'https://ci.example.com/runs/42' });
  await expect(ciLink).toHaveAttribute('href', 'https://ci.example.com/runs/42');
  await expect(ciLink).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(freshRow).not.toHaveAttribute('data-attention');
  await expect(freshRow.getByRole('cell', { name: '1.9.8', exact: true })).toBeVisible();
  await expect(freshRow.getByText(fresh.id, { exact: true })).toBeVisible();
  await expect(freshRow.getByText('DynamoDB', { exact: true })).toBeVisible();
  await expect(freshRow.getByText('.tflock', { exact: true })).toBeVisible();
  await expect(freshRow.getByText('default', { exact: true })).toBeVisible();
  await expect(freshRow.getByText('stale', { exact: true })).toHaveCount(0);
  await expect(freshRow.getByText('E2E main', { exact: true })).toBeVisible();

  const staleRow = lockRow(page, `${prefix}old/terraform.tfstate`);
  await expect(staleRow.getByText('stale', { exact: true })).toBeVisible();
  await expect(staleRow.getByText(stale.id, { exact: true })).toBeVisible();
  await expect(staleRow.getByText(/3d \d+h ago/)).toBeVisible();
  // Unmistakable beyond the chip: the row is tinted and bordered.
  await expect(staleRow).toHaveAttribute('data-attention', 'stale');
  await expect(staleRow).toHaveCSS('border-left-color', 'rgb(245, 158, 11)');

  await expect(lockRow(page, workspaceKey).getByText('staging', { exact: true })).toBeVisible();

  const splitRow = lockRow(page, `${prefix}split/terraform.tfstate`);
  await expect(splitRow).toHaveAttribute('data-attention', 'problem');
  await expect(splitRow).toHaveCSS('border-left-color', 'rgb(220, 38, 38)');
  // In words, by the side that exists; what it means and the raw code one tap away (no tooltip).
  const split = splitRow.getByText('Split lock: DynamoDB only, .tflock missing', { exact: true });
  await expect(split).toBeVisible();
  await expect(splitRow.getByText(/Terraform takes the \.tflock first/)).toBeHidden();
  await split.click();
  await expect(splitRow.getByText(/Terraform takes the \.tflock first/)).toBeVisible();
  await expect(splitRow.getByText('split_lock', { exact: true })).toBeVisible();
  await expect(splitRow.getByText('.tflock', { exact: true })).toHaveCount(0);

  const brokenRow = lockRow(page, `${prefix}broken/terraform.tfstate`);
  await expect(brokenRow.getByText('Malformed lock info', { exact: true })).toBeVisible();
  await expect(brokenRow.getByText('age unknown', { exact: true })).toBeVisible();

  const fileRow = lockRow(page, `${prefix}files/terraform.tfstate`);
  await expect(fileRow.getByText('E2E second', { exact: true })).toBeVisible();
  await expect(fileRow.getByText('.tflock', { exact: true })).toBeVisible();
  await expect(fileRow.getByText('DynamoDB', { exact: true })).toHaveCount(0);
  await expect(fileRow.getByText(fileOnly.id, { exact: true })).toBeVisible();

  await expect(page.getByText('6 lock(s) shown.')).toBeVisible();

  // The summary bar: counts of what was read (the bare DynamoDB item is also a split lock), the
  // stale threshold, and each count a filter kept in the URL.
  const summary = page.getByTestId('lock-summary');
  await expect(summary.getByRole('button', { name: '6 locks' })).toHaveAttribute('aria-pressed', 'true');
  await expect(summary.getByRole('button', { name: '1 malformed' })).toBeVisible();
  await expect(summary.getByTestId('stale-threshold')).toHaveText('stale after 120 min');
  await summary.getByRole('button', { name: '1 stale' }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('stale') === '1');
  await expect(staleRow).toBeVisible();
  await expect(freshRow).toHaveCount(0);
  await expect(page.getByText('1 lock(s) shown.')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Stale only' })).toBeChecked();
  await expect(summary.getByRole('button', { name: '1 stale' })).toHaveAttribute('aria-pressed', 'true');
  // The counts stay those of the whole list while it is filtered.
  await expect(summary.getByRole('button', { name: '6 locks' })).toBeVisible();
  await summary.getByRole('button', { name: '2 split' }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('problem') === 'split_lock' && !url.searchParams.has('stale'));
  await expect(splitRow).toBeVisible();
  await expect(brokenRow).toBeVisible();
  await expect(page.getByText('2 lock(s) shown.')).toBeVisible();
  await summary.getByRole('button', { name: '6 locks' }).click();
  await expect(page).toHaveURL((url) => !url.searchParams.has('problem') && !url.searchParams.has('stale'));
  await expect(freshRow).toBeVisible();

  // The row offers the CLI equivalent; the clipboard receives exactly Terraform's command.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await freshRow.getByRole('button', { name: 'Copy terraform force-unlock command' }).click();
  await expect(freshRow.getByRole('button', { name: 'Copy terraform force-unlock command' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`terraform force-unlock '${fresh.id}'`);

  // The read-only instance serves the same live view.
  await page.goto(`${e2eEnv.readOnlyBaseURL}/?q=${encodeURIComponent(prefix)}`);
  await expect(lockRow(page, `${prefix}network/terraform.tfstate`).getByText(fresh.id, { exact: true })).toBeVisible();
});

test('a lock written during the test appears without a reload and disappears when released', async ({ page, seed, backends, prefix }) => {
  const key = `${prefix}live/terraform.tfstate`;
  await openOverview(page, prefix);
  await expect(page.getByText('No lock matches these filters.')).toBeVisible();
  // A marker on the window proves the page is never reloaded: a navigation would drop it.
  await page.evaluate(() => ((window as unknown as { e2eMarker: string }).e2eMarker = 'same page'));

  const info = await seed.lock(backends.main, key, { over: { who: 'dave@runner-7' } });
  const row = lockRow(page, key);
  await expect(row.getByText(info.id, { exact: true })).toBeVisible();
  await expect(row.getByRole('cell', { name: 'dave@runner-7' })).toBeVisible();

  await seed.unlock(backends.main, key);
  await expect(row).toHaveCount(0);
  await expect(page.getByText('No lock matches these filters.')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe('same page');
});

test('filters live in the URL and survive a reload and a deep link', async ({ page, seed, backends, prefix }) => {
  const staleSecond = `${prefix}second-stale/terraform.tfstate`;
  const freshSecond = `${prefix}second-fresh/terraform.tfstate`;
  const staleMain = `${prefix}main-stale/terraform.tfstate`;
  await seed.lock(backends.second, staleSecond, { createdMs: Date.now() - 5 * DAY_MS });
  await seed.lock(backends.second, freshSecond);
  await seed.lock(backends.main, staleMain, { createdMs: Date.now() - 5 * DAY_MS });

  await page.goto('/');
  // Rows come from the browser's own query: the page is hydrated, so no keystroke lands before React
  // owns the input (typed earlier, a controlled input's first characters are reset by hydration).
  await expect(lockRow(page, staleMain)).toBeVisible();
  // Typed key by key, as a person does: every keystroke updates the URL.
  await page.getByRole('searchbox', { name: 'Filter locks' }).pressSequentially(prefix);
  await expect(lockRow(page, staleSecond)).toBeVisible();
  // As a person does: the next filter is chosen once the typed one has settled in the URL.
  await expect(page).toHaveURL((url) => url.searchParams.get('q') === prefix);
  await page.getByRole('combobox', { name: 'Backend' }).selectOption('e2e-second');
  await page.getByRole('checkbox', { name: 'Stale only' }).check();

  await expect(lockRow(page, staleSecond)).toBeVisible();
  await expect(lockRow(page, freshSecond)).toHaveCount(0);
  await expect(lockRow(page, staleMain)).toHaveCount(0);
  await expect(page).toHaveURL((url) => url.searchParams.get('q') === prefix && url.searchParams.get('backend') === 'e2e-second' && url.searchParams.get('stale') === '1');
  const deepLink = page.url();

  const checkFiltered = async (p: Page) => {
    await expect(p.getByRole('searchbox', { name: 'Filter locks' })).toHaveValue(prefix);
    await expect(p.getByRole('combobox', { name: 'Backend' })).toHaveValue('e2e-second');
    await expect(p.getByRole('checkbox', { name: 'Stale only' })).toBeChecked();
    await expect(lockRow(p, staleSecond)).toBeVisible();
    await expect(lockRow(p, freshSecond)).toHaveCount(0);
    await expect(lockRow(p, staleMain)).toHaveCount(0);
  };
  await page.reload();
  await checkFiltered(page);

  // A deep link opened in a fresh tab shows the same filtered view.
  const other = await page.context().newPage();
  await other.goto(deepLink);
  await checkFiltered(other);
  await other.close();

  // Clearing the stale filter brings the fresh lock of that backend back.
  await page.getByRole('checkbox', { name: 'Stale only' }).uncheck();
  await expect(lockRow(page, freshSecond)).toBeVisible();
  await expect(page).toHaveURL((url) => !url.searchParams.has('stale'));
  const filtered = page.url();

  // A link to the same page without a query clears the filters; Back brings them back.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Locks', exact: true }).click();
  await expect(page).toHaveURL((url) => url.search === '');
  await expect(page.getByRole('searchbox', { name: 'Filter locks' })).toHaveValue('');
  await expect(page.getByRole('combobox', { name: 'Backend' })).toHaveValue('');
  await page.goBack();
  await expect(page).toHaveURL(filtered);
  await expect(page.getByRole('searchbox', { name: 'Filter locks' })).toHaveValue(prefix);
  await expect(page.getByRole('combobox', { name: 'Backend' })).toHaveValue('e2e-second');
  await expect(lockRow(page, freshSecond)).toBeVisible();
});

test('a stopped endpoint shows an error banner while the other backends keep their locks', async ({ page, seed, backends, prefix }) => {
  const mainKey = `${prefix}healthy/terraform.tfstate`;
  await seed.lock(backends.main, mainKey);
  await seed.lock(backends.flaky, `${prefix}flaky/terraform.tfstate`);
  await openOverview(page, prefix);
  await expect(lockRow(page, `${prefix}flaky/terraform.tfstate`)).toBeVisible();
  const banner = page.getByRole('alert').filter({ hasText: 'Backend "E2E flaky" could not be read' });
  await expect(banner).toHaveCount(0);

  await flaky.stop();
  try {
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('aws_unreachable');
    // The summary counts the flaky backend's locks as last known, not as current.
    await expect(page.getByTestId('lock-summary-last-known')).toContainText('E2E flaky: last known');
    // Other backends keep refreshing: a lock taken now on the healthy backend still appears.
    const later = `${prefix}after-outage/terraform.tfstate`;
    const info = await seed.lock(backends.main, later);
    await expect(lockRow(page, later).getByText(info.id, { exact: true })).toBeVisible();
    await expect(lockRow(page, mainKey)).toBeVisible();
  } finally {
    await flaky.start();
  }
  // Back up (and empty, as a fresh moto is): the banner goes away on the next poll.
  await expect(banner).toHaveCount(0);
  await expect(lockRow(page, `${prefix}flaky/terraform.tfstate`)).toHaveCount(0);
});
