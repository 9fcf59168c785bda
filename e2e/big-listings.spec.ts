/**
 * Big listings in a real browser, at a few hundred states (the 20,000-state figures are the
 * benchmark's, `npm run bench -- views`): the states and locks tables render only the rows near the
 * screen, the filter searches the rows not rendered, and polls take the change feed (`?since=`): a
 * changed state and a released lock are merged in without the whole listing coming again. Axe-clean
 * at 1440 and 390 px.
 */
import crypto from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Page, Response } from '@playwright/test';
import { stateDocument } from '../scripts/lib/terraform-writer';
import { expect, lockRow, openOverview, test, type E2eBackend, type Seeder } from './fixtures';
import { expectNoSeriousViolations, expectNoSidewaysScroll } from './page-checks';

const COUNT = 300;
const keyOf = (prefix: string, i: number) => `${prefix}svc-${String(i).padStart(4, '0')}/terraform.tfstate`;

async function seedStates(seed: Seeder, backend: E2eBackend, prefix: string, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => keyOf(prefix, i));
  const lineage = crypto.randomUUID();
  for (let i = 0; i < keys.length; i += 25) await Promise.all(keys.slice(i, i + 25).map((key) => seed.transientState(backend, key, stateDocument({ serial: 1, lineage }))));
  return keys;
}

interface Answer {
  url: URL;
  bytes: number;
  body: { full?: boolean; changed?: Array<{ key: string; digestStatus?: string }>; removed?: string[]; states?: unknown[]; locks?: unknown[] };
}

/** Every answer of a listing route of one backend, with its body's size. */
function recordListing(page: Page, backendId: string, route: 'states' | 'locks'): Answer[] {
  const seen: Answer[] = [];
  page.on('response', (res: Response) => {
    const url = new URL(res.url());
    if (url.pathname !== `/api/backends/${backendId}/${route}` || !res.ok()) return;
    void res.body().then(
      (b) => seen.push({ url, bytes: b.length, body: JSON.parse(b.toString('utf8')) as Answer['body'] }),
      () => undefined,
    );
  });
  return seen;
}

/** A whole listing: not a poll of the change feed (`since`), not a first page (`limit`). */
const isWhole = (a: Answer) => !a.url.searchParams.has('since') && !a.url.searchParams.has('limit');

const stateRow = (page: Page, key: string) => page.locator(`[data-testid="state-row"][data-key="${key}"]`);

for (const width of [1440, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width === 390 ? 844 : 900 } });
    test.describe.configure({ timeout: 180_000 });

    test('the states table renders a window of its rows and the filter finds rows not rendered', async ({ page, seed, backends, prefix }) => {
      const keys = await seedStates(seed, backends.main, prefix, COUNT);
      await page.goto(`/states?q=${encodeURIComponent(prefix)}`);
      await expect(page.getByTestId('states-shown')).toContainText(`${COUNT} state(s) shown.`);
      await expect(stateRow(page, keys[0]!)).toBeVisible();

      // Only a window is in the DOM; the table still says how many rows it has.
      const rendered = await page.getByTestId('state-row').count();
      expect(rendered).toBeGreaterThan(3);
      expect(rendered).toBeLessThan(60);
      await expect(page.getByRole('table')).toHaveAttribute('aria-rowcount', String(COUNT + 1));
      await expect(page.getByTestId('state-row').first()).toHaveAttribute('aria-rowindex', '2');
      const far = keys[COUNT - 7]!;
      await expect(stateRow(page, far)).toHaveCount(0);

      // The filter searches every row, rendered or not.
      const search = page.getByRole('searchbox', { name: 'Search states' });
      await search.fill(`${prefix}svc-${String(COUNT - 7).padStart(4, '0')}`);
      await expect(page.getByTestId('state-row')).toHaveCount(1);
      await expect(stateRow(page, far)).toBeVisible();
      await expect(page).toHaveURL((url) => url.searchParams.get('q')?.endsWith(String(COUNT - 7).padStart(4, '0')) === true);

      // Scrolling to the end renders the last rows (and no longer the first).
      await search.fill(prefix);
      await expect(page.getByTestId('states-shown')).toContainText(`${COUNT} state(s) shown.`);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await expect(stateRow(page, keys.at(-1)!)).toBeVisible();
      await expect(stateRow(page, keys[0]!)).toHaveCount(0);
      await expect(stateRow(page, keys.at(-1)!)).toHaveAttribute('aria-rowindex', String(COUNT + 1));

      await expectNoSidewaysScroll(page, page.locator('section[aria-labelledby="states-heading"]'));
      await expectNoSeriousViolations(page);
    });

    test('polls merge a changed state and a released lock from the change feed, not the whole listing', async ({ page, seed, backends, prefix }) => {
      const main = backends.main;
      const keys = await seedStates(seed, main, prefix, 200);
      const states = recordListing(page, main.id, 'states');
      await page.goto(`/states?q=${encodeURIComponent(prefix)}`);
      await expect(page.getByTestId('states-shown')).toContainText('200 state(s) shown.');
      // After the first answer, every poll asks for the changes since the version it holds.
      await expect.poll(() => states.filter((a) => a.url.searchParams.has('since')).length).toBeGreaterThanOrEqual(2);
      const whole = states.filter(isWhole);
      // One whole listing (whichever read the server held: it may predate these states, which then come as changes).
      expect(whole).toHaveLength(1);
      expect(Array.isArray(whole[0]!.body.states)).toBe(true);
      // Nothing changed: a few hundred bytes.
      const quiet = states.filter((a) => a.url.searchParams.has('since') && a.body.changed?.length === 0 && (a.body.removed ?? []).length === 0);
      expect(quiet.length).toBeGreaterThan(0);
      for (const a of quiet) expect(a.bytes).toBeLessThan(1_000);

      // Someone copies another state over one key: its digest no longer matches, and only that row comes.
      const changed = keys[150]!;
      await seed.writer(main).s3.send(new PutObjectCommand({ Bucket: main.bucket, Key: changed, Body: stateDocument({ serial: 9, lineage: 'other' }), ContentType: 'application/json' }));
      // Within a watch interval and a read of the whole e2e backend (slow when the machine is busy).
      await expect(page.getByTestId('status-count-mismatch').getByTestId('status-count-value')).toHaveText('1', { timeout: 30_000 });
      // The recorder reads each answer's body asynchronously: it may land just after the page shows it.
      // (Its mismatch: a poll before may have carried it as one of this test's new states.)
      const carriedBy = () => states.find((a) => a.body.changed?.some((s) => s.key === changed && s.digestStatus === 'mismatch'));
      await expect.poll(carriedBy, { timeout: 5_000 }).toBeTruthy();
      const carried = carriedBy();
      expect(carried?.url.searchParams.has('since')).toBe(true);
      expect(carried?.body.full).toBe(false);
      expect(carried!.body.changed!.map((s) => s.key)).toEqual([changed]);
      expect(carried!.bytes).toBeLessThan(5_000);
      await page.getByRole('searchbox', { name: 'Search states' }).fill(changed);
      await expect(stateRow(page, changed)).toHaveAttribute('data-digest-status', 'mismatch');
      expect(states.filter(isWhole)).toHaveLength(1);

      // A released lock leaves the locks page from the change feed too.
      const held = keys[3]!;
      const other = keys[4]!;
      const info = await seed.lock(main, held, { over: { who: 'feed@e2e' } });
      await seed.lock(main, other, { over: { who: 'feed@e2e' } });
      const locks = recordListing(page, main.id, 'locks');
      await openOverview(page, prefix);
      await expect(lockRow(page, held).getByText(info.id)).toBeVisible();
      await expect(lockRow(page, other)).toBeVisible();
      await expect.poll(() => locks.filter((a) => a.url.searchParams.has('since')).length).toBeGreaterThanOrEqual(1);
      await seed.unlock(main, held);
      await expect(lockRow(page, held)).toHaveCount(0, { timeout: 30_000 });
      await expect(lockRow(page, other)).toBeVisible();
      const releasedBy = () => locks.find((a) => (a.body.removed ?? []).some((id) => id.startsWith(`${held}\u0000`)));
      await expect.poll(releasedBy, { timeout: 5_000 }).toBeTruthy();
      const release = releasedBy();
      expect(release?.url.searchParams.has('since')).toBe(true);
      expect(release!.bytes).toBeLessThan(5_000);
      expect(locks.filter(isWhole)).toHaveLength(1);
      // The lock's age goes on from what was received (the feed does not resend it to age it).
      const age = lockRow(page, other).getByTestId('lock-age');
      const before = await age.innerText();
      await expect.poll(() => age.innerText(), { timeout: 5_000 }).not.toBe(before);
      await expectNoSeriousViolations(page);
    });
  });
}

test('while the whole listing loads, the first page of the states is shown and said to be one', async ({ page, seed, backends, prefix }) => {
  await seedStates(seed, backends.main, prefix, 80);
  // The server's latest read holds them (a page is answered from it, or from the last one while a newer runs).
  await expect
    .poll(async () => ((await (await page.request.get(`/api/backends/${backends.main.id}/states?limit=1&q=${encodeURIComponent(prefix)}`)).json()) as { total: number }).total, { timeout: 30_000 })
    .toBe(80);
  // The whole listing is held back in the browser (as a slow answer of a big backend would be); first pages pass.
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  await page.route(
    (url) => url.pathname === `/api/backends/${backends.main.id}/states` && !url.searchParams.has('limit') && !url.searchParams.has('since'),
    async (route) => {
      await held;
      await route.continue();
    },
  );
  await page.goto('/states');
  const note = page.getByTestId('first-page-note');
  // At most 50 of those in the server's latest read (which may predate this test's states).
  await expect(note).toContainText(/Showing the first states \(by key\): ([1-9]|[1-4]\d|50) of [\d,]+ of backend "E2E main"/);
  await expect(page.getByTestId('state-row').first()).toBeVisible();
  // Counts are not claimed from a first page: at least, not exactly.
  await expect(page.getByTestId('status-count-match').getByTestId('status-count-value')).toHaveText(/^(\d+\+|—)$/);
  release();
  await expect(note).toHaveCount(0, { timeout: 30_000 });
  await page.getByRole('searchbox', { name: 'Search states' }).fill(prefix);
  await expect(page.getByTestId('states-shown')).toContainText('80 state(s) shown.', { timeout: 30_000 });
  await expectNoSeriousViolations(page);
});
