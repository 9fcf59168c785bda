import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useReachedRows } from './use-reached-rows';

type Props = { range: { startIndex: number; endIndex: number } | null; settled: boolean; rows: unknown };

describe('useReachedRows', () => {
  it('counts the steps on screen and the next one, once the page rests', () => {
    const rows = {};
    const { result, rerender } = renderHook((p: Props) => useReachedRows(p.range, p.settled, p.rows, 50), { initialProps: { range: null, settled: true, rows } as Props });
    expect([...result.current]).toEqual([]);
    rerender({ range: { startIndex: 0, endIndex: 9 }, settled: true, rows });
    expect([...result.current].sort()).toEqual([0, 1]);
    // Scrolled through the middle without resting: nothing new.
    rerender({ range: { startIndex: 400, endIndex: 409 }, settled: false, rows });
    expect([...result.current].sort()).toEqual([0, 1]);
    // Rested near row 1,000: that step and the next; the ones skipped are not reached.
    rerender({ range: { startIndex: 995, endIndex: 1004 }, settled: true, rows });
    expect([...result.current].sort((a, b) => a - b)).toEqual([0, 1, 19, 20, 21]);
  });

  it('starts again from the rows on screen when the rows change (another filter)', () => {
    const { result, rerender } = renderHook((p: Props) => useReachedRows(p.range, p.settled, p.rows, 50), { initialProps: { range: { startIndex: 120, endIndex: 130 }, settled: true, rows: ['a'] } as Props });
    expect([...result.current].sort()).toEqual([2, 3]);
    rerender({ range: { startIndex: 0, endIndex: 10 }, settled: true, rows: ['b'] });
    expect([...result.current].sort()).toEqual([0, 1]);
  });
});
