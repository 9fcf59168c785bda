import { beforeEach, describe, expect, it } from 'vitest';
import { cachedRead, clearCache, invalidate } from './cache';

beforeEach(() => clearCache());

describe('cachedRead', () => {
  it('shares one in-flight load among concurrent callers', async () => {
    let loads = 0;
    let release: (v: number) => void = () => {};
    const load = () => {
      loads++;
      return new Promise<number>((r) => (release = r));
    };
    const calls = Array.from({ length: 20 }, () => cachedRead('t', 'k', 1000, load));
    release(42);
    expect(await Promise.all(calls)).toEqual(Array(20).fill(42));
    expect(loads).toBe(1);
  });

  it('reuses a result for the TTL, then loads again', async () => {
    let loads = 0;
    const load = async () => ++loads;
    expect(await cachedRead('t', 'k', 50, load)).toBe(1);
    expect(await cachedRead('t', 'k', 50, load)).toBe(1);
    await new Promise((r) => setTimeout(r, 70));
    expect(await cachedRead('t', 'k', 50, load)).toBe(2);
  });

  it('caches failures for the TTL too, so a broken backend is not hammered', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      throw new Error('down');
    };
    await expect(cachedRead('t', 'err', 1000, load)).rejects.toThrow('down');
    await expect(cachedRead('t', 'err', 1000, load)).rejects.toThrow('down');
    expect(loads).toBe(1);
  });

  it('invalidates by prefix', async () => {
    let loads = 0;
    const load = async () => ++loads;
    await cachedRead('snap', 'a', 10_000, load);
    await cachedRead('snap', 'b', 10_000, load);
    invalidate('snap', 'a');
    expect(await cachedRead('snap', 'a', 10_000, load)).toBe(3);
    expect(await cachedRead('snap', 'b', 10_000, load)).toBe(2);
  });
});

describe('cachedRead with staleMs', () => {
  it('serves the expired value at once while one background read refreshes it', async () => {
    let loads = 0;
    let release: (v: number) => void = () => {};
    const slow = () => {
      loads++;
      return loads === 1 ? Promise.resolve(1) : new Promise<number>((r) => (release = r));
    };
    expect(await cachedRead('s', 'k', 20, slow, { staleMs: 10_000 })).toBe(1);
    await new Promise((r) => setTimeout(r, 30));
    // Expired: both callers get the old value without waiting; only one refresh starts.
    expect(await Promise.all([cachedRead('s', 'k', 20, slow, { staleMs: 10_000 }), cachedRead('s', 'k', 20, slow, { staleMs: 10_000 })])).toEqual([1, 1]);
    expect(loads).toBe(2);
    release(2);
    await new Promise((r) => setTimeout(r, 5));
    expect(await cachedRead('s', 'k', 20, slow, { staleMs: 10_000 })).toBe(2);
    expect(loads).toBe(2);
  });

  it('never serves an error stale, and surfaces a failed refresh', async () => {
    let loads = 0;
    const flaky = async () => {
      loads++;
      if (loads >= 2) throw new Error('down');
      return 'ok';
    };
    expect(await cachedRead('s', 'f', 10, flaky, { staleMs: 10_000 })).toBe('ok');
    await new Promise((r) => setTimeout(r, 20));
    expect(await cachedRead('s', 'f', 10, flaky, { staleMs: 10_000 })).toBe('ok'); // stale, refresh fails behind
    await new Promise((r) => setTimeout(r, 5));
    await expect(cachedRead('s', 'f', 10, flaky, { staleMs: 10_000 })).rejects.toThrow('down');
  });

  it('stops serving stale after staleMs', async () => {
    let loads = 0;
    const load = async () => ++loads;
    await cachedRead('s', 'old', 5, load, { staleMs: 10 });
    await new Promise((r) => setTimeout(r, 30));
    expect(await cachedRead('s', 'old', 5, load, { staleMs: 10 })).toBe(2);
  });
});
