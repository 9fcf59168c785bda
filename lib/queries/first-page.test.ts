import { describe, expect, it } from 'vitest';
import type { ListingPage } from '../api/listing';
import { firstPageQuery, firstPageSettled } from './first-page';

const page: ListingPage<{ key: string }> = { rows: [{ key: 'a' }], total: 20_000, next: 'c1', token: 't', fetchedAt: '2026-12-08T03:00:00.000Z', errors: [], notices: [] };

describe('first page', () => {
  it('takes the page the HTML brought as its data, as of the read it came from', () => {
    const q = firstPageQuery('b1', 'states', true, page);
    expect(q.initialData).toBe(page);
    expect(q.initialDataUpdatedAt).toBe(Date.parse(page.fetchedAt));
    expect(firstPageQuery('b1', 'states', true).initialData).toBeUndefined();
  });

  it('lets the whole listing be asked for once the first page is in, fetched, failed or brought by the HTML', () => {
    expect(firstPageSettled({ isFetched: false })).toBe(false);
    expect(firstPageSettled({ isFetched: false, data: page })).toBe(true);
    expect(firstPageSettled({ isFetched: true })).toBe(true);
  });
});
