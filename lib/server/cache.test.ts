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
