import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { InventoryResponse, SearchResponse } from '../api/inventory';
import type { PostureResponse } from '../api/posture';
import { fetchJson } from './fetch-json';
import { backendApiUrl } from '../api/urls';

export const inventoryKeys = {
  backend: (backendId: string) => ['inventory', backendId] as const,
  search: (q: string) => ['search', q] as const,
  posture: (backendId: string, history: boolean) => ['posture', backendId, history] as const,
};

/** Polls fast while a pass is running (progress), slowly once ready. */
export function inventoryQuery(backendId: string, pollMs: number) {
  return queryOptions({
    queryKey: inventoryKeys.backend(backendId),
    queryFn: () => fetchJson<InventoryResponse>(backendApiUrl(backendId, 'inventory')),
    refetchInterval: (q) => (q.state.data?.progress.phase === 'indexing' || q.state.data?.progress.phase === 'idle' ? 1_000 : Math.max(pollMs, 30_000)),
    refetchIntervalInBackground: false,
  });
}

export function searchQuery(q: string) {
  return queryOptions({
    queryKey: inventoryKeys.search(q),
    queryFn: () => fetchJson<SearchResponse>(`/api/search?q=${encodeURIComponent(q)}`),
    enabled: q.trim() !== '',
    placeholderData: keepPreviousData,
    // While a backend is still indexing, results grow: ask again.
    refetchInterval: (query) => ((query.state.data?.backends.some((b) => b.phase === 'indexing' || b.phase === 'idle') ?? false) ? 2_000 : false),
  });
}

export function postureQuery(backendId: string, history: boolean) {
  return queryOptions({
    queryKey: inventoryKeys.posture(backendId, history),
    queryFn: () => fetchJson<PostureResponse>(backendApiUrl(backendId, 'posture', { history: history ? 1 : 0 })),
    staleTime: 5 * 60_000,
    refetchInterval: 5 * 60_000,
  });
}
