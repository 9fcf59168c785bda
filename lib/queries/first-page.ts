import { queryOptions } from '@tanstack/react-query';
import type { ListingPage } from '../api/listing';
import { firstPageUrl } from '../api/urls';
import { fetchJson } from './fetch-json';

/**
 * A listing's first page (the server's `?limit=` paging), shown while the whole listing loads: at
 * 20,000 states the whole listing is 8 MB of JSON, whose download, parse and row building take
 * seconds; its first page is a few kB. Asked for once per visit of the page (dropped when it closes).
 */
export function firstPageQuery<T>(backendId: string, route: 'states' | 'locks', enabled: boolean) {
  return queryOptions({
    queryKey: ['first-page', route, backendId] as const,
    queryFn: ({ signal }) => fetchJson<ListingPage<T>>(firstPageUrl(backendId, route), { signal }),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchInterval: false,
    refetchOnWindowFocus: false,
    retry: false,
  });
}
