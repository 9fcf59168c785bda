/**
 * Shared Playwright fixtures for Lockboard's end-to-end specs. `scripts/e2e.ts` starts the local AWS
 * stack and sets the variables read here; see e2e/README.md for the conventions.
 */
import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { test as base, expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import type { LockInfo } from '../lib/terraform/lock-info';
import { TerraformWriter } from '../scripts/lib/terraform-writer';

export { expect };

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests with \`npm run test:e2e\` (see e2e/README.md)`);
  return value;
}

/** Where things are, as set by scripts/e2e.ts. */
export const e2eEnv = {
  get motoEndpoint() {
    return required('E2E_MOTO_ENDPOINT');
  },
  get flakyEndpoint() {
    return required('E2E_FLAKY_ENDPOINT');
  },
  get controlUrl() {
    return required('E2E_CONTROL_URL');
  },
  /** Base URL of the second app instance, started with LOCKBOARD_READ_ONLY=true. */
  get readOnlyBaseURL() {
    return `http://127.0.0.1:${required('E2E_READONLY_PORT')}`;
  },
};

export interface E2eBackend {
  id: string;
  name: string;
  region: string;
  bucket: string;
  dynamodbTable: string | null;
  useLockfile: boolean;
  endpoint: string;
}

export type E2eBackendName = 'main' | 'second' | 'flaky';

let backendsCache: Record<E2eBackendName, E2eBackend> | null = null;

/**
 * The three e2e backends, read from the config file the app uses:
 * - `main`: versioned bucket + lock table, use_lockfile (dual mode);
 * - `second`: versioned bucket, `.tflock` only (no table);
 * - `flaky`: bucket + table on a second moto that `flaky.stop()` / `flaky.start()` control.
 */
export function e2eBackends(): Record<E2eBackendName, E2eBackend> {
  if (backendsCache) return backendsCache;
  const file = JSON.parse(fs.readFileSync(required('LOCKBOARD_CONFIG'), 'utf8')) as { backends: Array<E2eBackend & { dynamodbTable?: string }> };
  const byId = (id: string): E2eBackend => {
    const b = file.backends.find((x) => x.id === id);
    if (!b) throw new Error(`backend ${id} missing from ${process.env.LOCKBOARD_CONFIG}`);
    return { ...b, dynamodbTable: b.dynamodbTable ?? null, useLockfile: b.useLockfile ?? !b.dynamodbTable };
  };
  backendsCache = { main: byId('e2e-main'), second: byId('e2e-second'), flaky: byId('e2e-flaky') };
  return backendsCache;
}

async function control(action: 'stop' | 'start'): Promise<void> {
  const res = await fetch(`${e2eEnv.controlUrl}/flaky/${action}`, { method: 'POST' });
  if (!res.ok) throw new Error(`flaky ${action} failed: ${res.status} ${await res.text()}`);
}

/** Stops / starts the flaky backend's moto server (it comes back empty, with its bucket and table). */
export const flaky = { stop: () => control('stop'), start: () => control('start') };

export type LockSides = 'both' | 'dynamodb' | 's3';

/**
 * Writes locks and states through the real protocol (TerraformWriter) and removes every lock it wrote
 * when the test ends, so a failing test never leaves rows that another spec would see.
 */
export class Seeder {
  private readonly writers = new Map<string, TerraformWriter>();
  private readonly written: Array<{ backend: E2eBackend; key: string }> = [];
  private readonly transient: Array<{ backend: E2eBackend; key: string }> = [];

  writer(backend: E2eBackend): TerraformWriter {
    let w = this.writers.get(backend.endpoint);
    if (!w) {
      w = new TerraformWriter({ endpoint: backend.endpoint, region: backend.region });
      this.writers.set(backend.endpoint, w);
    }
    return w;
  }

  /** The sides a real Terraform of this backend's config would lock. */
  static defaultSides(backend: E2eBackend): LockSides {
    if (!backend.dynamodbTable) return 's3';
    return backend.useLockfile ? 'both' : 'dynamodb';
  }

  /**
   * Takes a lock as Terraform does. `createdMs` backdates it (e.g. a stale lock); `over` sets fields.
   * Returns the LockInfo written.
   */
  async lock(backend: E2eBackend, key: string, opts: { over?: Partial<LockInfo>; createdMs?: number; sides?: LockSides } = {}): Promise<LockInfo> {
    const info = TerraformWriter.lockInfo(backend.bucket, key, opts.over ?? {}, opts.createdMs ?? Date.now());
    const sides = opts.sides ?? Seeder.defaultSides(backend);
    const w = this.writer(backend);
    this.written.push({ backend, key });
    if (sides !== 'dynamodb') await w.lockFile(backend.bucket, key, info);
    if (sides !== 's3') await w.lockDynamo(this.table(backend), backend.bucket, key, info);
    return info;
  }

  /** Releases `key` on every side at teardown (a lock taken some other way, e.g. through the API). */
  track(backend: E2eBackend, key: string): void {
    this.written.push({ backend, key });
  }

  /** A lock item whose `Info` is whatever string is given (malformed-lock cases). */
  async rawLockItem(backend: E2eBackend, key: string, info: string): Promise<void> {
    this.written.push({ backend, key });
    await this.writer(backend).putRawItem(this.table(backend), { LockID: `${backend.bucket}/${key}`, Info: info });
  }

  /** A `.tflock` object with any body. */
  async rawLockfile(backend: E2eBackend, key: string, body: string): Promise<void> {
    this.written.push({ backend, key });
    await this.writer(backend).lockFile(backend.bucket, key, body);
  }

  /** Releases a lock on every side (as `terraform` does at the end of a run). */
  async unlock(backend: E2eBackend, key: string): Promise<void> {
    const w = this.writer(backend);
    if (backend.dynamodbTable) await w.unlockDynamo(backend.dynamodbTable, backend.bucket, key);
    await w.unlockFile(backend.bucket, key);
  }

  /** Uploads a state and its digest (when the backend has a table), as `RemoteClient.Put` does. */
  async state(backend: E2eBackend, key: string, body: string): Promise<{ md5: string; versionId: string | undefined }> {
    return this.writer(backend).putState(backend.bucket, key, body, backend.dynamodbTable);
  }

  /**
   * A state deleted again at teardown (object and digest, as `terraform workspace delete` does): for
   * specs that seed hundreds, so that the inventory and migration views of later specs do not carry them.
   */
  async transientState(backend: E2eBackend, key: string, body: string): Promise<void> {
    this.transient.push({ backend, key });
    await this.state(backend, key, body);
  }

  /** Test teardown: release what this test locked (best effort: the flaky endpoint may be down). */
  async cleanup(): Promise<void> {
    for (const { backend, key } of this.written.splice(0)) {
      await this.unlock(backend, key).catch(() => undefined);
    }
    const gone = this.transient.splice(0);
    for (let i = 0; i < gone.length; i += 25) {
      await Promise.all(gone.slice(i, i + 25).map(({ backend, key }) => this.writer(backend).deleteState(backend.bucket, key, backend.dynamodbTable).catch(() => undefined)));
    }
    for (const w of this.writers.values()) w.destroy();
    this.writers.clear();
  }

  private table(backend: E2eBackend): string {
    if (!backend.dynamodbTable) throw new Error(`backend ${backend.id} has no lock table`);
    return backend.dynamodbTable;
  }
}

interface Fixtures {
  /** A state-key prefix unique to this test (`<spec>/<random>/`): keys under it never collide. */
  prefix: string;
  seed: Seeder;
  backends: Record<E2eBackendName, E2eBackend>;
}

// The fixture callback is named `provide`, not Playwright's usual `use`, so React's hook lint rule
// does not mistake it for React's `use`.
export const test = base.extend<Fixtures>({
  prefix: async ({}, provide, testInfo) => {
    const spec = path.basename(testInfo.file).replace(/\.spec\.ts$/, '');
    await provide(`${spec}/${crypto.randomBytes(3).toString('hex')}/`);
  },
  seed: async ({}, provide) => {
    const seeder = new Seeder();
    await provide(seeder);
    await seeder.cleanup();
  },
  backends: async ({}, provide) => {
    await provide(e2eBackends());
  },
});

/** The overview row of the lock on this state key (the first, when a split lock has two rows). */
export function lockRow(page: Page, key: string): Locator {
  return page.getByRole('row').filter({ has: page.getByText(key, { exact: true }) });
}

/** The overview, filtered to one test's prefix so rows of other specs never interfere. */
export async function openOverview(page: Page, prefix: string, extra: Record<string, string> = {}): Promise<void> {
  const qs = new URLSearchParams({ q: prefix, ...extra });
  await page.goto(`/?${qs.toString()}`);
  await expect(page.getByRole('heading', { name: 'Live locks' })).toBeVisible();
}

/**
 * Freezes `key` through Lockboard's own API, as the Freeze button does: a freeze is Lockboard's only
 * with the signed marker the server writes, so a test cannot plant one with `seed.lock`. The caller is
 * `anonymous` (the e2e app runs with authMode none). Returns the audit record of the key's freeze (the
 * request's own record names no key: a freeze may take several).
 */
export async function freezeThroughApi(request: APIRequestContext, baseURL: string, backend: E2eBackend, key: string, reason: string): Promise<string> {
  const res = await request.post(`/api/backends/${backend.id}/freeze`, { headers: { origin: baseURL, 'sec-fetch-site': 'same-origin' }, data: { key, reason } });
  expect(res.status(), await res.text()).toBe(200);
  const { results } = (await res.json()) as { results: Array<{ key: string; auditId: string | null }> };
  const item = results.find((r) => r.key === key)?.auditId;
  if (!item) throw new Error(`the freeze of ${key} answered no audit record of its own`);
  return item;
}
