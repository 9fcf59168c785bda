import { queryOptions, useQueries } from '@tanstack/react-query';
import type { VersionMetadataResult } from '../api/versions';
import { fetchJson } from './fetch-json';
import { backendApiUrl } from '../api/urls';

export type VersionMetadataResponse = VersionMetadataResult;

export const versionMetadataKeys = {
  all: ['version-metadata'] as const,
  version: (backendId: string, key: string, versionId: string) => ['version-metadata', backendId, key, versionId] as const,
};

export function fetchVersionMetadata(backendId: string, key: string, versionId: string): Promise<VersionMetadataResponse> {
  return fetchJson<VersionMetadataResponse>(backendApiUrl(backendId, 'version-metadata', { key, versionId }));
}

/** Metadata of one version. A version never changes (except the "null" one of an unversioned bucket). */
export function versionMetadataQuery(backendId: string, key: string, versionId: string) {
  return queryOptions({
    queryKey: versionMetadataKeys.version(backendId, key, versionId),
    queryFn: () => fetchVersionMetadata(backendId, key, versionId),
    staleTime: versionId === 'null' ? 5_000 : Number.POSITIVE_INFINITY,
    gcTime: 30 * 60_000,
  });
}

/** Metadata of several versions (the visible rows of a timeline), each fetched on its own. */
export function useVersionMetadata(backendId: string, key: string, versionIds: readonly string[]) {
  return useQueries({ queries: versionIds.map((id) => versionMetadataQuery(backendId, key, id)) });
}
