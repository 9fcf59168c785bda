import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('shares one load per key and evicts the least recently used', async () => {
    const cache = new LruCache<number>(2);
    let loads = 0;
    const load = (n: number) => async () => {
      loads++;
      return n;
    };
    const [a, b] = await Promise.all([cache.get('a', load(1)), cache.get('a', load(1))]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    await cache.get('b', load(2));
    await cache.get('a', load(1)); // a is now the most recent
    await cache.get('c', load(3)); // evicts b
    expect([cache.has('a'), cache.has('b'), cache.has('c'), cache.size]).toEqual([true, false, true, 2]);
    expect(loads).toBe(3);
  });

  it('does not keep failures', async () => {
    const cache = new LruCache<number>(5);
    await expect(cache.get('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(cache.has('x')).toBe(false);
    expect(await cache.get('x', async () => 7)).toBe(7);
  });
});
