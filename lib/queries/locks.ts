import { queryOptions } from '@tanstack/react-query';
import type { LocksResult } from '../api/locks';
import { fetchJson } from './fetch-json';

export type LocksResponse = LocksResult;

export const locksKeys = {
  all: ['locks'] as const,
  backend: (backendId: string) => ['locks', backendId] as const,
};

export function locksQuery(backendId: string, pollMs: number) {
  return queryOptions({
    queryKey: locksKeys.backend(backendId),
    queryFn: () => fetchJson<LocksResponse>(`/api/backends/${encodeURIComponent(backendId)}/locks`),
    refetchInterval: pollMs,
    refetchIntervalInBackground: false,
  });
}
