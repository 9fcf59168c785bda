import { queryOptions, useQuery } from '@tanstack/react-query';
import type { VersionsResult } from '../api/versions';
import { fetchJson } from './fetch-json';
import { backendApiUrl } from '../api/urls';

export type VersionsResponse = VersionsResult;

export const versionsKeys = {
  all: ['versions'] as const,
  state: (backendId: string, key: string) => ['versions', backendId, key] as const,
  list: (backendId: string, key: string, writers: boolean) => ['versions', backendId, key, writers ? 'writers' : 'plain'] as const,
};

export function versionsUrl(backendId: string, key: string, writers = false): string {
  return backendApiUrl(backendId, 'versions', { key, writers: writers ? '1' : null });
}

export function fetchVersions(backendId: string, key: string, writers = false): Promise<VersionsResponse> {
  return fetchJson<VersionsResponse>(versionsUrl(backendId, key, writers));
}

/** The version history of one state; `writers` adds who wrote each version (slower: reads lock bodies). */
export function versionsQuery(backendId: string, key: string, opts: { writers?: boolean; pollMs?: number } = {}) {
  const writers = opts.writers === true;
  return queryOptions({
    queryKey: versionsKeys.list(backendId, key, writers),
    queryFn: () => fetchVersions(backendId, key, writers),
    refetchInterval: opts.pollMs,
    refetchIntervalInBackground: false,
  });
}

export function useVersions(backendId: string, key: string, opts: { writers?: boolean; pollMs?: number } = {}) {
  return useQuery(versionsQuery(backendId, key, opts));
}
