import { describe, expect, it } from 'vitest';
import { byKey, mergeRows } from './listing-merge';

type Row = { key: string; v: number; stamped?: boolean };
const id = (r: Row) => r.key;
const stamp = (r: Row) => ({ ...r, stamped: true });
const rows = (...keys: string[]) => keys.map((key) => ({ key, v: 1 }));

describe('mergeRows', () => {
  it('keeps the very same array when nothing changed (nothing downstream recomputes)', () => {
    const held = rows('a', 'b', 'c');
    expect(mergeRows(held, { full: false, changed: [], removed: [] }, id, byKey, stamp)).toBe(held);
  });

  it('replaces a changed row in place, stamped, and keeps every other row object', () => {
    const held = rows('a', 'b', 'c');
    const out = mergeRows(held, { full: false, changed: [{ key: 'b', v: 2 }], removed: [] }, id, byKey, stamp);
    expect(out).toEqual([{ key: 'a', v: 1 }, { key: 'b', v: 2, stamped: true }, { key: 'c', v: 1 }]);
    expect(out[0]).toBe(held[0]);
    expect(out[2]).toBe(held[2]);
  });

  it('removes rows by identity and places new rows in key order', () => {
    const out = mergeRows(rows('a', 'c', 'e'), { full: false, changed: [{ key: 'd', v: 1 }, { key: 'b', v: 1 }], removed: ['e', 'not-held'] }, id, byKey);
    expect(out.map((r) => r.key)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a full answer replaces what is held, sorted and stamped', () => {
    const out = mergeRows(rows('x', 'y'), { full: true, changed: rows('b', 'a'), removed: [] }, id, byKey, stamp);
    expect(out).toEqual([{ key: 'a', v: 1, stamped: true }, { key: 'b', v: 1, stamped: true }]);
  });

  it('merging a change feed gives what a full reload gives', () => {
    const before = rows('env:/a/x', 'teams/b', 'teams/c', 'z');
    const after = [{ key: 'env:/a/x', v: 1 }, { key: 'teams/b', v: 5 }, { key: 'teams/bb', v: 1 }, { key: 'z', v: 1 }];
    const merged = mergeRows(before, { full: false, changed: [after[1]!, after[2]!], removed: ['teams/c'] }, id, byKey);
    expect(merged).toEqual(mergeRows([], { full: true, changed: after, removed: [] }, id, byKey));
  });
});
