import { describe, expect, it } from 'vitest';
import { firstPageNote } from './first-page-note';

const page = (rows: number, total: number) => ({ rows: Array.from({ length: rows }, (_, i) => i), total, next: rows < total ? 'c' : null, token: 't', fetchedAt: '2026-12-07T00:00:00Z', errors: [], notices: [] });

describe('firstPageNote', () => {
  it('says nothing when no first page is shown', () => {
    expect(firstPageNote([{ name: 'a' }, { name: 'b' }], [null, null], 'states')).toBeNull();
  });

  it('names each backend shown by its first page, with how many of how many, and what filters cover', () => {
    const note = firstPageNote([{ name: 'prod' }, { name: 'dev' }, { name: 'ops' }], [page(50, 20000), null, page(3, 3)], 'states');
    expect(note).toBe('Showing the first states (by key): 50 of 20,000 of backend "prod"; 3 of 3 of backend "ops". The whole listing is loading; until it is in, filters and counts cover only these.');
  });

  it('says the order of a locks page', () => {
    expect(firstPageNote([{ name: 'prod' }], [page(50, 2000)], 'locks')).toMatch(/^Showing the first locks \(oldest first\): 50 of 2,000 of backend "prod"\./);
  });
});
