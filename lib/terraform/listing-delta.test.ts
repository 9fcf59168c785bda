import { describe, expect, it } from 'vitest';
import { hash53, listingDelta, listingVersion } from './listing-delta';

interface Row { key: string; etag: string; age: number }
const version = (rows: Row[], extra = '') => listingVersion(rows, (r) => r.key, (r) => r.etag, extra);

describe('listing versions', () => {
  const base = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, etag: `e${i}`, age: i }));

  it('gives the same content the same token (any replica), ignoring what the fingerprint leaves out', () => {
    expect(version(base).token).toBe(version(base.map((r) => ({ ...r, age: r.age + 60 }))).token);
    expect(version(base).token).not.toBe(version(base, 'an error').token);
    expect(version(base).token).not.toBe(version(base.slice(1)).token);
  });

  it('tells exactly what changed: one changed row, one new, one gone', () => {
    const next = base.filter((r) => r.key !== 'k7').map((r) => (r.key === 'k500' ? { ...r, etag: 'changed' } : r));
    next.push({ key: 'new', etag: 'n', age: 0 });
    const d = listingDelta(version(base), version(next));
    expect(d.changed.map((r) => r.key)).toEqual(['k500', 'new']);
    expect(d.removed).toEqual(['k7']);
  });

  it('nothing changed: nothing to send', () => {
    expect(listingDelta(version(base), version(base))).toEqual({ changed: [], removed: [] });
  });

  it('hash53 spreads similar strings', () => {
    const hashes = new Set(Array.from({ length: 10_000 }, (_, i) => hash53(`prod/svc-${i}/terraform.tfstate`)));
    expect(hashes.size).toBe(10_000);
    expect(hash53('a')).toMatch(/^[0-9a-z]{11}$/);
  });
});
