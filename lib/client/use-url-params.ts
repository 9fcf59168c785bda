'use client';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useState } from 'react';

/**
 * The page's query string as filter state. Updates start from the live URL (several may land before
 * a re-render) and use native replaceState, which Next.js syncs into useSearchParams without a server
 * round trip per keystroke. A null or empty value removes the parameter.
 *
 * Controls read a local copy that changes in the same event as the user's input: Next.js syncs
 * replaceState into useSearchParams later, in a transition, and a control bound to that lagging value
 * drops keystrokes and ignores a click. A URL value this hook wrote itself is such a lagging echo;
 * any other value is a navigation (a link to the same page, back/forward) and is taken over.
 */
export function useUrlParams() {
  const pathname = usePathname();
  const urlParams = useSearchParams();
  const urlString = urlParams.toString();
  const [local, setLocal] = useState(() => ({ url: urlString, params: new URLSearchParams(urlString), pending: [] as string[] }));
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

  const setParams = useCallback(
    (updates: Record<string, string | null>) => {
      const next = new URLSearchParams(window.location.search);
      for (const [name, value] of Object.entries(updates)) {
        if (value === null || value === '') next.delete(name);
        else next.set(name, value);
      }
      const qs = next.toString();
      window.history.replaceState(null, '', qs ? `${pathname}?${qs}` : pathname);
      // No echo comes for a write that leaves the URL as Next.js last reported it.
      setLocal((prev) => ({ url: prev.url, params: next, pending: qs === prev.url && prev.pending.length === 0 ? [] : [...prev.pending, qs] }));
    },
    [pathname],
  );
  return { params, setParams };
}
