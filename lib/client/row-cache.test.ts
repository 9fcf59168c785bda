import { describe, expect, it } from 'vitest';
import { RowCache, searchText } from './row-cache';

describe('RowCache', () => {
  it('builds a row once per listed row and context; the same source gives the same array', () => {
    const cache = new RowCache<{ key: string }, { key: string; ctx: string }>();
    let built = 0;
    const build = (ctx: string) => (s: { key: string }) => (built++, { key: s.key, ctx });
    const a = { key: 'a' };
    const b = { key: 'b' };
    const first = cache.rowsOf('x', [a, b], 'ok', build('ok'));
    expect(built).toBe(2);
    expect(cache.rowsOf('x', [a, b].slice(), 'ok', build('ok'))).toEqual(first);
    expect(built).toBe(2);
    const src = [a, b];
    const again = cache.rowsOf('x', src, 'ok', build('ok'));
    expect(cache.rowsOf('x', src, 'ok', build('ok'))).toBe(again);
    // One changed row: one build.
    cache.rowsOf('x', [a, { key: 'b' }], 'ok', build('ok'));
    expect(built).toBe(3);
    // The backend's context changed (e.g. its read failed): every row again.
    expect(cache.rowsOf('x', [a, b], 'stale', build('stale')).map((r) => r.ctx)).toEqual(['stale', 'stale']);
    expect(built).toBe(5);
  });

  it('join keeps the same array while no backend changed', () => {
    const cache = new RowCache<object, number>();
    const p1 = [1, 2];
    const p2 = [3];
    const joined = cache.join([p1, p2]);
    expect(joined).toEqual([1, 2, 3]);
    expect(cache.join([p1, p2])).toBe(joined);
    expect(cache.join([p1, [4]])).toEqual([1, 2, 4]);
  });
});

describe('searchText', () => {
  it('lower-cases each field once and never matches across two fields', () => {
    const text = searchText(['Teams/SVC-0123/terraform.tfstate', null, 'Ana@Host', undefined, '']);
    expect(text.includes('svc-0123')).toBe(true);
    expect(text.includes('ana@host')).toBe(true);
    expect(text.includes('tfstateana')).toBe(false);
  });
});
