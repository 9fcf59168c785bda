'use client';
import { useEffect, useState, type RefObject } from 'react';

/**
 * How many leading rows of a long list the user has come near (scrolled to, with a screen of
 * margin), in whole steps, never going down: extras that cost AWS calls per row (the last writer)
 * are fetched for those rows only, so opening a 5,000-state backend looks up one step, not all.
 * Rows are the elements under `container` with a `data-row-index` attribute; `rowsKey` changes when
 * they do.
 */
export function useReachedRows(container: RefObject<HTMLElement | null>, rowsKey: unknown, step: number, max: number): number {
  const [reached, setReached] = useState(Math.min(step, max));
  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const observer = new IntersectionObserver(
      (entries) => {
        let furthest = -1;
        for (const e of entries) if (e.isIntersecting) furthest = Math.max(furthest, Number((e.target as HTMLElement).dataset.rowIndex ?? -1));
        // The step the furthest row is in, plus the next one, so rows are ready before they are seen.
        if (furthest >= 0) setReached((r) => Math.min(max, Math.max(r, (Math.floor(furthest / step) + 2) * step)));
      },
      { rootMargin: '600px 0px' },
    );
    for (const el of root.querySelectorAll('[data-row-index]')) observer.observe(el);
    return () => observer.disconnect();
  }, [container, rowsKey, step, max]);
  return reached;
}
