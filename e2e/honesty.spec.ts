/**
 * Never claiming what was not read: every backend down, a backend dying while the page is open, and a
 * missing bucket or lock table. Real stopped servers and real deleted resources (moto), real Chromium;
 * the assertions are the words on screen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { expect, flaky, lockRow, test, type E2eBackend } from './fixtures';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

const awsConfig = (b: E2eBackend) => ({ endpoint: b.endpoint, region: b.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true });

test.describe('every backend down', () => {
  let app: ChildProcess | null = null;
  let baseURL = '';

  test.beforeAll(async () => {
    // A third app whose every backend points at a closed port: nothing can be read.
    const closed = await freePort();
    const config = JSON.parse(fs.readFileSync(process.env.LOCKBOARD_CONFIG!, 'utf8')) as { backends: Array<{ endpoint: string }> };
    for (const b of config.backends) b.endpoint = `http://127.0.0.1:${closed}`;
    const file = path.join(process.env.E2E_RUN_DIR ?? path.dirname(process.env.LOCKBOARD_CONFIG!), 'all-down-config.json');
    fs.writeFileSync(file, JSON.stringify(config));
    // Not the closed port (the OS may hand the same free port out again: the backends would then read this app's HTML).
    let port = await freePort();
    while (port === closed) port = await freePort();
    baseURL = `http://127.0.0.1:${port}`;
    app = spawn('npx', ['next', 'start', '-H', '127.0.0.1', '-p', String(port)], { env: { ...process.env, LOCKBOARD_CONFIG: file, PORT: String(port) }, stdio: 'ignore', detached: true });
    await waitForHealth(`${baseURL}/api/health`, app);
  });

  test.afterAll(() => {
    if (app?.pid) process.kill(-app.pid, 'SIGTERM');
  });

  test('the overview says the locks are unknown, not that every state is free', async ({ page }) => {
    await page.goto(`${baseURL}/`);
    await expect(page.getByRole('heading', { name: 'Live locks' })).toBeVisible();
    await expect(page.getByTestId('backend-banner')).toHaveCount(3);
    await expect(page.getByTestId('backend-banner').first()).toContainText('could not be read: its locks are unknown.');
    await expect(page.getByTestId('backend-banner').first()).toContainText('Next step: Check the endpoint and region');
    await expect(page.getByTestId('empty-list')).toContainText('No backend could be read: whether any state is locked is unknown.');
    await expect(page.getByText('Every state is free')).toHaveCount(0);
    // The summary claims no count for backends it could not read.
    const summary = page.getByTestId('lock-summary');
    await expect(summary.getByRole('button', { name: '— locks' })).toBeVisible();
    await expect(summary.getByRole('button', { name: '— stale' })).toBeVisible();
    await expect(summary.getByTestId('lock-summary-unknown')).toContainText('unknown');
    await expect(page.getByTestId('refresh-status')).toContainText('Not read: 3 backends could not be read');
    // Still true after several polls: the banners and the words do not blink away.
    await page.waitForTimeout(2_500);
    await expect(page.getByTestId('backend-banner')).toHaveCount(3);
    await expect(page.getByTestId('refresh-status')).not.toContainText('Reading…');
  });

  test('the states page shows "—" for counts it did not read, not 0 or "No state files found"', async ({ page }) => {
    await page.goto(`${baseURL}/states`);
    await expect(page.getByTestId('backend-banner')).toHaveCount(3);
    await expect(page.getByTestId('backend-banner').first()).toContainText('its states are unknown');
    await expect(page.getByTestId('status-count-match').getByTestId('status-count-value')).toHaveText('—');
    await expect(page.getByTestId('status-count-mismatch').getByTestId('status-count-value')).toHaveText('—');
    await expect(page.getByText('No state files found.')).toHaveCount(0);
    await expect(page.getByTestId('empty-list')).toContainText('No backend could be read: which states exist is unknown.');
  });

  test('a state page says its lock is unknown, not "Not locked"', async ({ page }) => {
    await page.goto(`${baseURL}/state?backend=e2e-main&key=${encodeURIComponent('any/terraform.tfstate')}`);
    await expect(page.getByTestId('holder-unknown')).toContainText('Unknown: the lock could not be read');
    await expect(page.getByText('Not locked')).toHaveCount(0);
  });
});

test.describe('the flaky backend', () => {
  test.afterEach(async () => {
    test.setTimeout(120_000);
    // Fresh again (in-memory moto comes back empty with its bucket and table).
    await flaky.stop();
    await flaky.start();
  });

  test('dying while the page is open: last-known rows, labelled and greyed, Unlock disabled', async ({ page, seed, backends, prefix }) => {
    test.setTimeout(120_000);
    const key = `${prefix}dying/terraform.tfstate`;
    await seed.lock(backends.flaky, key);
    await page.goto(`/?${new URLSearchParams({ q: prefix })}`);
    const row = lockRow(page, key);
    await expect(row).toBeVisible();
    await expect(row.getByRole('button', { name: `Unlock ${key}` })).toBeEnabled();

    await flaky.stop();
    const banner = page.getByTestId('backend-banner').filter({ hasText: 'Backend "E2E flaky" could not be read again' });
    await expect(banner).toContainText('its locks below are the last known, as of');
    await expect(banner).toContainText(/as of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\./);
    await expect(row).toHaveAttribute('data-last-known', 'true');
    await expect(row.getByTestId('last-known')).toHaveText(/^last known, as of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await expect(row.getByRole('button', { name: `Unlock ${key}` })).toBeDisabled();
    await expect(page.getByTestId('refresh-status')).toContainText('1 backend could not be read: see its banner');
    await page.waitForTimeout(2_500);
    await expect(banner).toBeVisible();

    // The state page behaves the same way.
    await page.goto(`/state?backend=e2e-flaky&key=${encodeURIComponent(key)}`);
    await expect(page.getByTestId('holder-unknown')).toContainText('Unknown: the lock could not be read');
  });

  test('a missing bucket is not "Not locked": the lock is unknown and the banner names the bucket', async ({ page, backends, prefix }) => {
    test.setTimeout(120_000);
    const b = backends.flaky;
    const key = `${prefix}missing-bucket/terraform.tfstate`;
    // Fresh (an empty bucket can be deleted); the table stays.
    await flaky.stop();
    await flaky.start();
    const s3 = new S3Client(awsConfig(b));
    await s3.send(new DeleteBucketCommand({ Bucket: b.bucket }));
    s3.destroy();
    await page.goto(`/state?backend=e2e-flaky&key=${encodeURIComponent(key)}`);
    await expect(page.getByTestId('holder-unknown')).toContainText('S3 bucket');
    await expect(page.getByText('Not locked')).toHaveCount(0);
    await page.goto('/states?backend=e2e-flaky');
    const banner = page.getByTestId('backend-banner').filter({ hasText: 'Backend "E2E flaky" could not be read' });
    await expect(banner).toContainText('bucket_not_found');
    await expect(banner).toContainText(`Next step: Check the bucket name "${b.bucket}" and the region "${b.region}"`);
  });

  test('a missing lock table makes the lock of a listed state unknown, not unlocked', async ({ page, seed, backends, prefix }) => {
    test.setTimeout(120_000);
    const b = backends.flaky;
    const key = `${prefix}missing-table/terraform.tfstate`;
    await seed.state(b, key, JSON.stringify({ version: 4, serial: 1, lineage: 'l', outputs: {}, resources: [] }));
    const ddb = new DynamoDBClient(awsConfig(b));
    await ddb.send(new DeleteTableCommand({ TableName: b.dynamodbTable! }));
    ddb.destroy();
    await page.goto(`/states?${new URLSearchParams({ backend: 'e2e-flaky', q: prefix })}`);
    const row = page.getByTestId('state-row').filter({ hasText: key });
    await expect(row).toHaveAttribute('data-lock-status', 'unknown');
    await expect(row.getByTestId('state-lock-unknown')).toContainText(`unknown: the lock table ${b.dynamodbTable} could not be read (table_not_found)`);
    const banner = page.getByTestId('backend-banner').filter({ hasText: 'Backend "E2E flaky" could not be read fully' });
    await expect(banner).toContainText('table_not_found');
    await expect(banner).toContainText(`Next step: Check the table name "${b.dynamodbTable}"`);
  });
});
