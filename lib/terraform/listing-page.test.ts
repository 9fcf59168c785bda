import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, matchesText, pageAfter, sortListing, type Page, type SortSpec } from './listing-page';

interface Row { key: string; size: number | null }
const rows: Row[] = Array.from({ length: 25 }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, size: i % 5 === 0 ? null : (i * 7) % 11 }));
const bySize: SortSpec<Row> = { value: (r) => r.size, descending: false, identity: (r) => r.key };

function allPages(sorted: Row[], spec: SortSpec<Row>, limit: number): Row[][] {
  const pages: Row[][] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Row> = pageAfter(sorted, spec, limit, cursor === null ? null : decodeCursor(cursor));
    pages.push(page.items);
    cursor = page.next;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

describe('listing pages', () => {
  it('walks every row exactly once, in order, ties by identity and nulls last', () => {
    const sorted = sortListing(rows, bySize);
    expect(sorted.slice(-5).map((r) => r.size)).toEqual([null, null, null, null, null]);
    const walked = allPages(sorted, bySize, 7).flat();
    expect(walked).toEqual(sorted);
    expect(new Set(walked.map((r) => r.key)).size).toBe(25);
  });

  it('descending order keeps nulls last too', () => {
    const spec = { ...bySize, descending: true };
    const sorted = sortListing(rows, spec);
    expect(sorted[0]!.size).toBe(10);
    expect(sorted.at(-1)!.size).toBeNull();
    expect(allPages(sorted, spec, 4).flat()).toEqual(sorted);
  });

  it('continues after the cursor row even when rows were added or removed between pages', () => {
    const spec: SortSpec<Row> = { value: (r) => r.key, descending: false, identity: (r) => r.key };
    const first = pageAfter(sortListing(rows, spec), spec, 5, null);
    expect(first.items.map((r) => r.key)).toEqual(['k00', 'k01', 'k02', 'k03', 'k04']);
    const changed = sortListing([...rows.filter((r) => r.key !== 'k05'), { key: 'k045', size: 1 }, { key: 'k00a', size: 1 }], spec);
    const second = pageAfter(changed, spec, 3, decodeCursor(first.next!));
    expect(second.items.map((r) => r.key)).toEqual(['k045', 'k06', 'k07']);
    expect(second.total).toBe(26);
  });

  it('a cursor made up by hand is a position; garbage is not a cursor', () => {
    const spec: SortSpec<Row> = { value: (r) => r.key, descending: false, identity: (r) => r.key };
    const page = pageAfter(sortListing(rows, spec), spec, 2, decodeCursor(encodeCursor(['k20', 'k20'])));
    expect(page.items.map((r) => r.key)).toEqual(['k21', 'k22']);
    for (const bad of ['%%%', 'bm90IGpzb24', encodeCursor(['a', 'b']).slice(0, -3) + '!!!', btoa('[1,2,3]'), btoa('[{"x":1},"k"]'), btoa('[1e999,"k"]')]) expect(decodeCursor(bad), bad).toBeNull();
  });

  it('matches text as a literal, case-insensitive substring (regex metacharacters are just characters)', () => {
    expect(matchesText('svc-01', ['prod/SVC-0123/terraform.tfstate'])).toBe(true);
    expect(matchesText('.*', ['prod/x'])).toBe(false);
    expect(matchesText('a(b', ['xa(by'])).toBe(true);
    expect(matchesText('', [null])).toBe(true);
    expect(matchesText('x', [null, undefined, ''])).toBe(false);
  });
});
