'use client';
import { defaultRangeExtractor, useWindowVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type FocusEvent } from 'react';

/** One slot of a windowed list: a rendered row, or the height of the rows not rendered before it. */
export type WindowSlot = { kind: 'row'; item: VirtualItem } | { kind: 'gap'; key: string; height: number };

export interface WindowRows {
  /** Put on the element the rows are in (the table): where the list starts in the page. */
  attach: (el: HTMLElement | null) => void;
  /** Put on each rendered row element (with `data-index={item.index}`): its real height is measured. */
  measure: (el: Element | null) => void;
  /** Rendered rows and the gaps standing in for the others, in order. */
  slots: WindowSlot[];
  /** The rows on screen (without the rows rendered around them), or null before the first layout. */
  range: { startIndex: number; endIndex: number } | null;
  /** True while the page is being scrolled (lookups wait until it rests). */
  scrolling: boolean;
  /** Put on the list's container: the row holding focus stays rendered (and its dialog open) while scrolled away. */
  onFocus: (e: FocusEvent<HTMLElement>) => void;
}

/**
 * A long list in the page's own scroll (TanStack Virtual's window virtualizer): only the rows near
 * the screen are in the DOM, so 20,000 rows cost what 30 do. Rows keep their natural, measured
 * height (cards on a phone, a digest explanation under a row); a row with focus in it (its action's
 * dialog open) is kept rendered wherever it is scrolled. `rowKey` names a row across renders (the
 * measured heights follow it when a filter moves it).
 */
export function useWindowRows<T>(rows: readonly T[], rowKey: (row: T) => string, estimate: number, overscan = 6): WindowRows {
  const listEl = useRef<HTMLElement | null>(null);
  const [margin, setMargin] = useState(0);
  const remeasure = useCallback(() => {
    const el = listEl.current;
    if (!el) return;
    const top = Math.round(el.getBoundingClientRect().top + window.scrollY);
    setMargin((m) => (m === top ? m : top));
  }, []);
  // Where the list starts moves when what is above it changes (a banner, the counts wrapping): the
  // page's height changes then, and a ResizeObserver reports it after layout (measuring on every
  // render instead forced a layout per keystroke).
  useEffect(() => {
    const observer = new ResizeObserver(remeasure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [remeasure]);

  const [pinned, setPinned] = useState<string | null>(null);
  const pinnedIndex = useMemo(() => (pinned === null ? -1 : rows.findIndex((r) => rowKey(r) === pinned)), [rows, rowKey, pinned]);

  const virtualizer = useWindowVirtualizer<Element>({
    // A row measured or scrolled re-renders in the next frame, not synchronously inside React's commit.
    useFlushSync: false,
    count: rows.length,
    estimateSize: useCallback(() => estimate, [estimate]),
    overscan,
    scrollMargin: margin,
    // Stable between renders: a new function would make it rebuild every row's position.
    getItemKey: useCallback((i: number) => rowKey(rows[i]!), [rows, rowKey]),
    rangeExtractor: useCallback(
      (range: Parameters<typeof defaultRangeExtractor>[0]) => {
        const indexes = defaultRangeExtractor(range);
        if (pinnedIndex < 0 || indexes.includes(pinnedIndex)) return indexes;
        return [...indexes, pinnedIndex].sort((a, b) => a - b);
      },
      [pinnedIndex],
    ),
  });

  const items = virtualizer.getVirtualItems();
  const slots: WindowSlot[] = [];
  let end = margin;
  for (const item of items) {
    if (item.start > end) slots.push({ kind: 'gap', key: `gap-${item.index}`, height: item.start - end });
    slots.push({ kind: 'row', item });
    end = item.end;
  }
  const total = virtualizer.getTotalSize() + margin;
  if (total > end) slots.push({ kind: 'gap', key: 'gap-end', height: total - end });

  const attach = useCallback(
    (el: HTMLElement | null) => {
      listEl.current = el;
      if (el) remeasure();
    },
    [remeasure],
  );
  const onFocus = useCallback((e: FocusEvent<HTMLElement>) => {
    const key = (e.target as HTMLElement).closest<HTMLElement>('[data-row-key]')?.dataset.rowKey;
    if (key !== undefined) setPinned(key);
  }, []);

  return { attach, measure: virtualizer.measureElement, slots, range: virtualizer.range, scrolling: virtualizer.isScrolling, onFocus };
}
