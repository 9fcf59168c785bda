'use client';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

/**
 * The page's query string as filter state. Updates start from the live URL (several may land before
 * a re-render) and use native replaceState, which Next.js syncs into useSearchParams without a server
 * round trip per keystroke. A null or empty value removes the parameter.
 */
export function useUrlParams() {
  const pathname = usePathname();
  const params = useSearchParams();
  const setParams = useCallback(
    (updates: Record<string, string | null>) => {
      const next = new URLSearchParams(window.location.search);
      for (const [name, value] of Object.entries(updates)) {
        if (value === null || value === '') next.delete(name);
        else next.set(name, value);
      }
      const qs = next.toString();
      window.history.replaceState(null, '', qs ? `${pathname}?${qs}` : pathname);
    },
    [pathname],
  );
  return { params, setParams };
}
