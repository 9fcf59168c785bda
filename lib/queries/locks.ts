import { queryOptions } from '@tanstack/react-query';
import type { ErrorJson } from '../api/errors';
import type { Lock } from '../terraform/locks';
import { fetchJson } from './fetch-json';

export interface LocksResponse {
  locks: Lock[];
  fetchedAt: string;
  errors: ErrorJson[];
  notices: string[];
}

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
