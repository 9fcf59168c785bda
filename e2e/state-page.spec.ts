/**
 * The state page in a real browser against the built app and a real moto server: the current holder,
 * the version timeline with who wrote each version, and the diff of the latest two versions with
 * every sensitive value masked.
 */
import crypto from 'node:crypto';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { stateDocument } from '../scripts/lib/terraform-writer';
import { expect, test } from './fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** S3 stamps LastModified in whole seconds: each lock cycle gets its own second. */
const nextSecond = () => sleep(1000 - (Date.now() % 1000) + 60);

const SECRET_OUTPUT = `e2e-out-${crypto.randomBytes(4).toString('hex')}`;
const SECRET_ATTR = `e2e-attr-${crypto.randomBytes(4).toString('hex')}`;

function doc(serial: number, lineage: string, instanceClass: string) {
  return stateDocument({
    serial,
    lineage,
    resources: [
      {
        mode: 'managed',
        type: 'aws_db_instance',
        name: 'main',
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ schema_version: 2, attributes: { id: 'db-1', instance_class: instanceClass, password: `${SECRET_ATTR}-${serial}` }, sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]] }],
      },
    ],
    outputs: { db_password: { value: `${SECRET_OUTPUT}-${serial}`, type: 'string', sensitive: true }, endpoint: { value: `db-${serial}.internal`, type: 'string' } },
  });
}

test('shows the holder, the version timeline with writers, and a masked diff', async ({ page, seed, backends, prefix }) => {
  const main = backends.main;
  const key = `${prefix}db/terraform.tfstate`;
  const lineage = crypto.randomUUID();

  // Two applies, each lock → write → unlock as Terraform does, then a run that still holds the lock.
  await nextSecond();
  await seed.lock(main, key, { over: { who: 'alice@e2e', operation: 'OperationTypeApply' } });
  const v1 = await seed.state(main, key, doc(1, lineage, 'db.t3.micro'));
  await seed.unlock(main, key);
  await nextSecond();
  await seed.lock(main, key, { over: { who: 'bob@e2e', operation: 'OperationTypeApply' } });
  const v2 = await seed.state(main, key, doc(2, lineage, 'db.t3.large'));
  await seed.unlock(main, key);
  await nextSecond();
  await seed.lock(main, key, { over: { who: 'carol@e2e', operation: 'OperationTypePlan' } });

  await page.goto(`/state?backend=${encodeURIComponent(main.id)}&key=${encodeURIComponent(key)}`);
  await expect(page.getByRole('heading', { name: key })).toBeVisible();

  // Current lock and holder.
  await expect(page.getByTestId('holder-card').getByTestId('holder-who')).toHaveText('carol@e2e');

  // The timeline: newest first, with serials and writers.
  const rows = page.getByTestId('version-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-version-id', v2.versionId!);
  await expect(rows.nth(1)).toHaveAttribute('data-version-id', v1.versionId!);
  await expect(rows.nth(0).getByTestId('serial')).toContainText('2');
  await expect(rows.nth(1).getByTestId('serial')).toContainText('1');
  await expect(rows.nth(0).getByTestId('writer')).toContainText('bob@e2e');
  await expect(rows.nth(1).getByTestId('writer')).toContainText('alice@e2e');
  await expect(rows.nth(0).getByTestId('download-version')).toHaveAttribute('href', new RegExp(`versionId=${v2.versionId}`));

  // Default diff: latest vs previous, secrets masked everywhere on the page.
  const diff = page.getByTestId('diff-view');
  await expect(diff).toBeVisible();
  const db = diff.locator('[data-testid="diff-resource"][data-address="aws_db_instance.main"]');
  await expect(db).toHaveAttribute('data-action', 'changed');
  await expect(db.locator('[data-testid="diff-attribute"][data-path="instance_class"]')).toContainText('"db.t3.large"');
  await expect(db.locator('[data-testid="diff-attribute"][data-path="password"]').getByTestId('sensitive-value')).toHaveCount(2);
  await expect(diff.locator('[data-testid="diff-output"][data-name="db_password"]').getByTestId('sensitive-value')).toHaveCount(2);
  await expect(diff.locator('[data-testid="diff-output"][data-name="endpoint"]')).toContainText('"db-2.internal"');
  const text = await page.locator('body').innerText();
  expect(text).not.toContain(SECRET_OUTPUT);
  expect(text).not.toContain(SECRET_ATTR);

  // Picking versions is kept in the URL: swap the direction and the diff follows.
  await rows.nth(0).getByLabel(/Compare from version/).check();
  await rows.nth(1).getByLabel(/Compare to version/).check();
  await expect(page).toHaveURL(new RegExp(`from=${v2.versionId}.*to=${v1.versionId}`));
  await expect(db.locator('[data-testid="diff-attribute"][data-path="instance_class"]')).toContainText('"db.t3.micro"');
  await expect(diff).toContainText('serial goes down');
});

test('says "no lock held" for a write made without a lock, and gives a delete marker no writer', async ({ page, seed, backends, prefix }) => {
  const second = backends.second;
  const key = `${prefix}unlocked/terraform.tfstate`;
  const lineage = crypto.randomUUID();
  await seed.lock(second, key, { over: { who: 'alice@e2e', operation: 'OperationTypeApply' } });
  await seed.state(second, key, stateDocument({ serial: 1, lineage }));
  await seed.unlock(second, key);
  // Written by hand, well outside any lock (more than the 2 s clock tolerance later).
  await sleep(3100);
  await nextSecond();
  await seed.state(second, key, stateDocument({ serial: 2, lineage }));
  // Then deleted (a delete marker), under a lock taken well after that write: the marker names no writer.
  await sleep(3100);
  await nextSecond();
  await seed.lock(second, key, { over: { who: 'mallory@e2e', operation: 'OperationTypeApply' } });
  await seed.writer(second).s3.send(new DeleteObjectCommand({ Bucket: second.bucket, Key: key }));
  await seed.unlock(second, key);

  await page.goto(`/state?backend=${encodeURIComponent(second.id)}&key=${encodeURIComponent(key)}`);
  const rows = page.getByTestId('version-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveAttribute('data-delete-marker', 'true');
  await expect(rows.nth(0).getByTestId('writer')).toHaveAttribute('data-basis', 'delete_marker');
  await expect(rows.nth(0).getByTestId('writer')).not.toContainText('mallory');
  const unlocked = rows.nth(1).getByTestId('writer');
  await expect(unlocked).toHaveAttribute('data-basis', 'no_lock_held');
  await expect(unlocked).toContainText('no lock held');
  await expect(unlocked).toContainText('No lock was held when this was written: written outside Terraform, or with -lock=false?');
  await expect(rows.nth(2).getByTestId('writer')).toContainText('alice@e2e');
  await expect(rows.nth(2).getByTestId('writer')).toHaveAttribute('data-writer-kind', 'writer');
});

test('says what an unknown backend or a missing key is', async ({ page }) => {
  await page.goto('/state?backend=no-such-backend&key=x.tfstate');
  await expect(page.getByRole('alert').filter({ hasText: 'No backend with id "no-such-backend"' })).toBeVisible();
});
