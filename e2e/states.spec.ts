/**
 * The states page in a real browser against the built app and a real moto server: counts per digest
 * status, filters in the URL, and the plain-words explanation of a mismatching and an orphan digest.
 */
import crypto from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Page } from '@playwright/test';
import { stateDocument } from '../scripts/lib/terraform-writer';
import { expect, flaky, test } from './fixtures';

const md5 = (text: string) => crypto.createHash('md5').update(text).digest('hex');

function stateRow(page: Page, key: string) {
  return page.locator(`[data-testid="state-row"][data-key="${key}"]`);
}

function count(page: Page, status: string) {
  return page.getByTestId(`status-count-${status}`).getByTestId('status-count-value');
}

test('shows the counts per digest status and explains a mismatch with the calculated MD5', async ({ page, seed, backends, prefix }) => {
  const main = backends.main;
  const table = main.dynamodbTable!;
  const w = seed.writer(main);
  const ok = `${prefix}ok/terraform.tfstate`;
  const workspaceKey = `env:/qa/${prefix}app/terraform.tfstate`;
  const broken = `${prefix}broken/terraform.tfstate`;
  const gone = `${prefix}gone/terraform.tfstate`;
  const files = `${prefix}files/terraform.tfstate`;

  await seed.state(main, ok, stateDocument({ serial: 1, lineage: crypto.randomUUID() }));
  await seed.state(main, workspaceKey, stateDocument({ serial: 4, lineage: crypto.randomUUID() }));
  // Someone copied another state over this one by hand: the digest is stale.
  const written = await seed.state(main, broken, stateDocument({ serial: 1, lineage: 'lineage-b' }));
  const manual = stateDocument({ serial: 2, lineage: 'lineage-b' });
  await w.s3.send(new PutObjectCommand({ Bucket: main.bucket, Key: broken, Body: manual }));
  // The state object was deleted, its digest item was not.
  const goneDigest = md5('deleted state');
  await w.putDigest(table, main.bucket, gone, goneDigest);
  // A lockfile-only backend keeps no digest.
  await seed.state(backends.second, files, stateDocument({ serial: 1, lineage: crypto.randomUUID() }));

  await page.goto(`/states?q=${encodeURIComponent(prefix)}`);
  await expect(page.getByRole('heading', { name: 'States and digests' })).toBeVisible();

  await expect(count(page, 'match')).toHaveText('2');
  await expect(count(page, 'mismatch')).toHaveText('1');
  await expect(count(page, 'orphan')).toHaveText('1');
  // The lockfile-only state has no digest by design: counted apart, never as missing.
  await expect(count(page, 'missing')).toHaveText('0');
  await expect(count(page, 'not_applicable')).toHaveText('1');
  await expect(count(page, 'unverified')).toHaveText('0');

  await expect(stateRow(page, ok)).toHaveAttribute('data-digest-status', 'match');
  await expect(stateRow(page, workspaceKey).getByText('qa', { exact: true })).toBeVisible();
  await expect(stateRow(page, files)).toHaveAttribute('data-digest-status', 'not_applicable');
  await expect(stateRow(page, files).getByTestId('digest-badge')).toHaveText('no digest: lock files only');
  await expect(stateRow(page, files).getByText('E2E second', { exact: true })).toBeVisible();

  // The mismatch says what Terraform does and the fix, with the MD5 to store.
  const mismatch = page.getByRole('note', { name: `Digest problem of ${broken}` });
  await expect(mismatch).toContainText('state data in S3 does not have the expected content');
  await expect(mismatch).toContainText(`set Digest of "${main.bucket}/${broken}-md5" to ${md5(manual)}`);
  await expect(mismatch.getByTestId('calculated-md5')).toHaveText(md5(manual));
  await expect(stateRow(page, broken).getByText(written.md5, { exact: true })).toBeVisible();

  const orphan = page.getByRole('note', { name: `Digest problem of ${gone}` });
  await expect(orphan).toContainText(`delete the DynamoDB item "${main.bucket}/${gone}-md5"`);

  // Each row links to its state page.
  await expect(stateRow(page, broken).getByRole('link', { name: broken })).toHaveAttribute('href', `/state?backend=${main.id}&key=${encodeURIComponent(broken)}`);

  // A count is a filter, kept in the URL so the view can be shared.
  await page.getByTestId('status-count-mismatch').click();
  await expect(page).toHaveURL(/status=mismatch/);
  await expect(page.getByTestId('state-row')).toHaveCount(1);
  await expect(stateRow(page, broken)).toBeVisible();

  await page.reload();
  await expect(page.getByTestId('status-count-mismatch')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('state-row')).toHaveCount(1);

  await page.getByLabel('Digest', { exact: true }).selectOption('');
  await page.getByLabel('Workspace', { exact: true }).selectOption('qa');
  await expect(page).toHaveURL(/workspace=qa/);
  await expect(page.getByTestId('state-row')).toHaveCount(1);
  await expect(stateRow(page, workspaceKey)).toBeVisible();
});

test('an unreachable backend gets its own banner while the others keep working', async ({ page, seed, backends, prefix }) => {
  const healthy = `${prefix}healthy/terraform.tfstate`;
  await seed.state(backends.main, healthy, stateDocument({ serial: 1, lineage: crypto.randomUUID() }));
  await seed.state(backends.flaky, `${prefix}flaky/terraform.tfstate`, stateDocument({ serial: 1, lineage: crypto.randomUUID() }));
  await page.goto(`/states?q=${encodeURIComponent(prefix)}`);
  await expect(stateRow(page, `${prefix}flaky/terraform.tfstate`)).toHaveAttribute('data-digest-status', 'match');
  const banner = page.getByRole('alert').filter({ hasText: 'Backend "E2E flaky" could not be read' });

  await flaky.stop();
  try {
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('aws_unreachable');
    // A state written now on the healthy backend still appears.
    const later = `${prefix}later/terraform.tfstate`;
    await seed.state(backends.main, later, stateDocument({ serial: 1, lineage: crypto.randomUUID() }));
    await expect(stateRow(page, later)).toHaveAttribute('data-digest-status', 'match');
    await expect(stateRow(page, healthy)).toBeVisible();
  } finally {
    await flaky.start();
  }
  await expect(banner).toHaveCount(0);
});

test('on a phone (390 px) each state is a card with path, lock status and last writer, and nothing scrolls sideways', async ({ page, seed, backends, prefix }) => {
  const second = backends.second;
  // Long segments, as real keys have: they must wrap at their separators.
  const written = `${prefix}platform-networking/eu-west-1/production-shared-services-vpc/terraform.tfstate`;
  const held = `${prefix}platform-networking/eu-west-1/held/terraform.tfstate`;
  await seed.lock(second, written, { over: { who: 'dora@e2e', operation: 'OperationTypeApply' } });
  await seed.state(second, written, stateDocument({ serial: 1, lineage: crypto.randomUUID() }));
  await seed.unlock(second, written);
  await seed.state(second, held, stateDocument({ serial: 1, lineage: crypto.randomUUID() }));
  await seed.lock(second, held, { over: { who: 'erin@e2e', operation: 'OperationTypeApply' } });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/states?q=${encodeURIComponent(prefix)}`);
  const card = stateRow(page, written);
  await expect(card.getByRole('link')).toContainText('production-shared-services-vpc');
  await expect(card.getByTestId('state-lock-cell')).toHaveText('Lock: free');
  await expect(card.getByTestId('state-lock-cell')).toBeVisible();
  await expect(card.getByTestId('last-writer')).toContainText('last writer: dora@e2e');
  await expect(stateRow(page, held).getByTestId('state-lock-cell')).toContainText('Lock: locked erin@e2e');
  // The table's header row is hidden: each row reads as a card.
  await expect(page.getByRole('columnheader', { name: 'Digest' })).toBeHidden();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // The state page of that state does not scroll sideways either.
  await card.getByRole('link').click();
  await expect(page.getByTestId('version-row')).toHaveCount(1);
  await expect(page.getByTestId('version-row').getByTestId('writer')).toContainText('dora@e2e');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test('last writers are looked up for the rows near the screen, the others once scrolled to', async ({ page, seed, backends, prefix }) => {
  const main = backends.main;
  const keys = Array.from({ length: 160 }, (_, i) => `${prefix}many/${String(i).padStart(3, '0')}/terraform.tfstate`);
  for (const key of keys) await seed.state(main, key, stateDocument({ serial: 1, lineage: 'many' }));
  const asked = new Set<string>();
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.endsWith('/last-writers')) for (const k of url.searchParams.getAll('k')) asked.add(k);
  });

  await page.goto(`/states?q=${encodeURIComponent(`${prefix}many/`)}`);
  await expect(page.getByTestId('state-row')).toHaveCount(keys.length);
  await expect(stateRow(page, keys[0]!).getByTestId('last-writer')).toHaveAttribute('data-status', 'ready');
  // The first screen and the batch after it: not the 160 rows.
  expect(asked.size).toBeGreaterThanOrEqual(50);
  expect(asked.size).toBeLessThanOrEqual(100);
  const last = stateRow(page, keys.at(-1)!);
  expect(asked.has(keys.at(-1)!)).toBe(false);
  await expect(last.getByTestId('last-writer')).toHaveAttribute('data-status', 'loading');

  await last.scrollIntoViewIfNeeded();
  await expect(last.getByTestId('last-writer')).toHaveAttribute('data-status', 'ready');
  expect(asked.size).toBe(keys.length);
});
