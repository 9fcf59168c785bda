/**
 * The states and locks listings as a change feed (`?since=`) and as server-side pages
 * (`?limit=&cursor=&q=&status=&sort=`), through the route handlers on a real backend (moto):
 * nothing changed costs a tiny answer, one change costs that change, pages walk every row once,
 * and bad input (a huge or odd filter, a forged cursor, page sizes of 0 or 10^9) is a clear 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as locksGet } from '@/app/api/backends/[id]/locks/route';
import { GET as statesGet } from '@/app/api/backends/[id]/states/route';
import type { ListingChanges, ListingPage } from '../api/listing';
import type { Lock } from '../api/locks';
import type { StateEntry } from '../api/states';
import { clearCache } from '../server/cache';
import { useBackends } from '../testing/integration-env';
import { TerraformWriter, stateDocument, uniqueName } from '../../scripts/lib/terraform-writer';

const STATES = 120;
const params = { params: Promise.resolve({ id: 'feed' }) };

async function get(route: typeof statesGet, query: string): Promise<{ status: number; text: string; json: unknown }> {
  const res = await route(new Request(`http://localhost/api/backends/feed/x${query}`), params);
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as unknown };
}

describe('listing feed and pages', () => {
  const w = new TerraformWriter();
  const bucket = uniqueName('feed');
  const table = uniqueName('feedtable');
  const key = (i: number) => `svc-${String(i).padStart(4, '0')}/terraform.tfstate`;

  beforeAll(async () => {
    await w.createBucket(bucket);
    await w.createTable(table);
    for (let i = 0; i < STATES; i++) await w.putState(bucket, key(i), stateDocument({ serial: 1, lineage: `l-${i}` }), table);
    await w.lockBoth(table, bucket, key(3), TerraformWriter.lockInfo(bucket, key(3), { who: 'alice@ci' }));
    await w.lockBoth(table, bucket, key(7), TerraformWriter.lockInfo(bucket, key(7), { who: 'bob@ci' }, Date.now() - 5 * 3600_000));
    useBackends([{ id: 'feed', bucket, dynamodbTable: table, useLockfile: true }]);
  });

  afterAll(() => {
    clearCache();
    w.destroy();
  });

  it('answers a poll that finds nothing changed in a few hundred bytes, and one change with that change', async () => {
    const full = await get(statesGet, '');
    const whole = full.json as { states: StateEntry[]; token: string };
    expect(whole.states).toHaveLength(STATES);
    expect(full.text.length).toBeGreaterThan(20_000);

    const same = await get(statesGet, `?since=${whole.token}`);
    const nothing = same.json as ListingChanges<StateEntry>;
    expect(nothing).toMatchObject({ full: false, changed: [], removed: [], token: whole.token });
    expect(same.text.length).toBeLessThan(500);

    await w.putState(bucket, key(42), stateDocument({ serial: 2, lineage: 'l-42' }), table);
    clearCache();
    const one = (await get(statesGet, `?since=${whole.token}`)).json as ListingChanges<StateEntry>;
    expect(one.full).toBe(false);
    expect(one.changed.map((s) => s.key)).toEqual([key(42)]);
    expect(one.token).not.toBe(whole.token);

    // A version this replica never saw (another replica's, or long gone): the whole listing, flagged.
    const unknown = (await get(statesGet, '?since=0000000000000')).json as ListingChanges<StateEntry>;
    expect(unknown.full).toBe(true);
    expect(unknown.changed).toHaveLength(STATES);
  });

  it('locks: the change feed ignores ages (they grow every second) and reports a released lock as removed', async () => {
    const first = (await get(locksGet, '')).json as { locks: Lock[]; token: string };
    expect(first.locks.map((l) => l.who).sort()).toEqual(['alice@ci', 'bob@ci']);
    await new Promise((r) => setTimeout(r, 1_100));
    clearCache();
    const later = (await get(locksGet, `?since=${first.token}`)).json as ListingChanges<Lock>;
    expect(later).toMatchObject({ full: false, changed: [], removed: [] });
    await w.unlockDynamo(table, bucket, key(3));
    await w.unlockFile(bucket, key(3));
    clearCache();
    const gone = (await get(locksGet, `?since=${first.token}`)).json as ListingChanges<Lock>;
    expect(gone.changed).toEqual([]);
    expect(gone.removed).toHaveLength(1);
    expect(gone.removed[0]).toContain(key(3));
  });

  it('pages: filtered and sorted by the server, every row once, with totals', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(statesGet, `?limit=25&q=SVC-00&sort=-key${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = res.json as ListingPage<StateEntry>;
      expect(page.total).toBe(100);
      seen.push(...page.rows.map((s) => s.key));
      cursor = page.next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => key(99 - i)));

    const locked = (await get(statesGet, '?limit=10&locked=1')).json as ListingPage<StateEntry>;
    expect(locked.rows.map((s) => s.key)).toEqual([key(7)]);
    const stale = (await get(locksGet, '?limit=10&stale=1')).json as ListingPage<Lock>;
    expect(stale.rows.map((l) => l.who)).toEqual(['bob@ci']);
    const oldest = (await get(locksGet, '?limit=1&sort=-age')).json as ListingPage<Lock>;
    expect(oldest.rows[0]!.who).toBe('bob@ci');
    const matched = (await get(statesGet, `?limit=5&status=match,mismatch&q=${encodeURIComponent('svc-0042/')}`)).json as ListingPage<StateEntry>;
    expect(matched.rows.map((s) => s.key)).toEqual([key(42)]);
  });

  it('bad input is a clear 400, never a crash or an unbounded answer', async () => {
    const cases: Array<[string, RegExp]> = [
      ['?limit=0', /limit: at least 1 row/],
      ['?limit=1000000000', /limit: at most 1000 rows/],
      ['?limit=abc', /limit/],
      [`?limit=5&q=${'x'.repeat(10_000)}`, /at most 1024 characters/],
      ['?limit=5&cursor=not-a-cursor', /cursor: not a cursor Lockboard made/],
      ['?cursor=abc', /a cursor needs the limit/],
      ['?since=abc&limit=5', /either since/],
      ['?limit=5&status=broken', /status: unknown ."broken."/],
      ['?limit=5&sort=evil', /sort/],
      ['?limit=5&limit=6', /limit: given more than once/],
      ['?unknown=1', /Unrecognized key/],
    ];
    for (const [query, message] of cases) {
      const res = await get(statesGet, query);
      expect(res.status, query.slice(0, 60)).toBe(400);
      expect(JSON.stringify(res.json), query.slice(0, 60)).toMatch(message);
    }
    // Regex metacharacters are plain characters: no match, no error.
    const meta = await get(statesGet, `?limit=5&q=${encodeURIComponent('.*(a+)+$[')}`);
    expect(meta.status).toBe(200);
    expect((meta.json as ListingPage<StateEntry>).total).toBe(0);
    // A well-formed cursor made up by hand is a position, not an error.
    const forged = Buffer.from(JSON.stringify(['svc-0117/terraform.tfstate', 'svc-0117/terraform.tfstate'])).toString('base64url');
    const after = (await get(statesGet, `?limit=5&cursor=${forged}`)).json as ListingPage<StateEntry>;
    expect(after.rows.map((s) => s.key)).toEqual([key(118), key(119)]);
  });
});
