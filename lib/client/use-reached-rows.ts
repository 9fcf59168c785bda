'use client';
import { useState } from 'react';

const NONE: ReadonlySet<number> = new Set();

/**
 * Which steps (blocks of `step` rows: step n is rows n·step … n·step+step−1) of a long windowed list
 * the user has come near: extras that cost AWS calls per row (the last writer) are fetched for those
 * rows only, so opening a 20,000-state backend looks up the first screen, not every row, and rows
 * scrolled past without stopping are not looked up. `range` is the list's rows on screen
 * (use-window-rows.ts); a step counts once the page rests (`settled`) with one of its rows on
 * screen, and the step after it too, so the next rows are ready before they are seen. Reached steps
 * are kept until the rows change (`rowsKey`: another filter, another listing).
 */
export function useReachedRows(range: { startIndex: number; endIndex: number } | null, settled: boolean, rowsKey: unknown, step: number): ReadonlySet<number> {
  const [held, setHeld] = useState<{ key: unknown; steps: ReadonlySet<number> }>({ key: rowsKey, steps: NONE });
  const steps = held.key === rowsKey ? held.steps : NONE;
  let next = steps;
  if (range && settled) {
    const first = Math.floor(range.startIndex / step);
    const last = Math.floor(range.endIndex / step) + 1;
    for (let s = first; s <= last; s++) {
      if (next.has(s)) continue;
      if (next === steps) next = new Set(steps);
      (next as Set<number>).add(s);
    }
  }
  // Stored while rendering (React's "adjusting state while rendering" pattern): the lookups start in this render.
  if (next !== held.steps || held.key !== rowsKey) setHeld({ key: rowsKey, steps: next });
  return next;
}
