'use client';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * How long the URL lags the filters while someone types. Each URL write costs a history call and a
 * re-render of every component reading the search params (Next.js syncs it), about half of a
 * keystroke's time at 20,000 rows; one write after the typing rests costs that once.
 */
export const URL_WRITE_DELAY_MS = 250;

/**
 * The page's query string as filter state. Controls read a local copy that changes in the same event
 * as the user's input; the URL follows with native replaceState once the input rests
 * (URL_WRITE_DELAY_MS), which Next.js syncs into useSearchParams without a server round trip. A null
 * or empty value removes the parameter.
 *
 * Updates build on the latest local copy (several may land before a re-render or before the URL is
 * written). A URL value this hook wrote itself is an echo (Next.js reports it later, in a
 * transition); any other value is a navigation (a link to the same page, back/forward): it is taken
 * over and a write still waiting is dropped.
 */
export function useUrlParams() {
  const pathname = usePathname();
  const urlParams = useSearchParams();
  const urlString = urlParams.toString();
  const [local, setLocal] = useState(() => ({ url: urlString, params: new URLSearchParams(urlString), pending: [] as string[] }));
  /** The params as last set but not yet written (null: as the URL says), and the URL they build on. */
  const latest = useRef<{ params: URLSearchParams; base: string } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  let params = local.params;
  if (local.url !== urlString) {
    // The URL moved (adjusting state during render, React's pattern for derived state).
    const echo = local.pending.indexOf(urlString);
    if (echo >= 0) setLocal({ url: urlString, params, pending: local.pending.slice(echo + 1) });
    else {
      params = new URLSearchParams(urlString);
      setLocal({ url: urlString, params, pending: [] });
    }
  }

  // Leaving the page drops a write still waiting: it would land on another page's URL.
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const setParams = useCallback(
    (updates: Record<string, string | null>) => {
      // Updates not yet written build on each other, unless a navigation moved the URL since.
      const waiting = latest.current && latest.current.base === window.location.search ? latest.current : null;
      const base = waiting?.base ?? window.location.search;
      const next = new URLSearchParams(waiting?.params ?? base);
      for (const [name, value] of Object.entries(updates)) {
        if (value === null || value === '') next.delete(name);
        else next.set(name, value);
      }
      latest.current = { params: next, base };
      setLocal((prev) => ({ ...prev, params: next }));
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        latest.current = null;
        // The URL moved meanwhile (back/forward, a link): that navigation's filters win.
        if (window.location.search !== base) return;
        const qs = next.toString();
        window.history.replaceState(null, '', qs ? `${pathname}?${qs}` : pathname);
        // No echo comes for a write that leaves the URL as Next.js last reported it.
        setLocal((prev) => ({ ...prev, pending: qs === prev.url && prev.pending.length === 0 ? [] : [...prev.pending, qs] }));
      }, URL_WRITE_DELAY_MS);
    },
    [pathname],
  );
  return { params, setParams };
}
