import { queryOptions } from '@tanstack/react-query';
import type { BackendsResult } from '../api/backends';
import { fetchJson } from './fetch-json';

/** The backends with how the answering replica keeps each fresh (events, polling, fallen back). */
export function backendsQuery(pollMs: number) {
  return queryOptions({
    queryKey: ['backends'] as const,
    queryFn: () => fetchJson<BackendsResult>('/api/backends'),
    refetchInterval: Math.max(pollMs, 5_000),
    refetchIntervalInBackground: false,
  });
}
