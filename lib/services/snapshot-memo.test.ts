import { describe, expect, it } from 'vitest';
import { snapshotMemo } from './snapshot-memo';

describe('snapshotMemo', () => {
  it('derives once per read and second, again for a new read or a later second', async () => {
    const memo = snapshotMemo<number>();
    let derived = 0;
    const derive = () => Promise.resolve(++derived);
    const readA = {};
    const readB = {};
    expect(await memo(readA, 10_000, derive)).toBe(1);
    expect(await memo(readA, 10_999, derive)).toBe(1);
    expect(await memo(readB, 10_999, derive)).toBe(2);
    expect(await memo(readA, 11_000, derive)).toBe(3);
    // A clock that went back does not get a result from its future.
    expect(await memo(readA, 10_500, derive)).toBe(4);
  });
});
