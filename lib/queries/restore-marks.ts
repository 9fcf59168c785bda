import { queryOptions, useQuery } from '@tanstack/react-query';
import type { RestoreMarks } from '../api/versions';
import { fetchJson } from './fetch-json';
import { backendApiUrl } from '../api/urls';

export type RestoreMarksResponse = RestoreMarks;

export const restoreMarksKeys = {
  all: ['restore-marks'] as const,
  state: (backendId: string, key: string) => ['restore-marks', backendId, key] as const,
  list: (backendId: string, key: string, versionIds: readonly string[]) => ['restore-marks', backendId, key, ...versionIds] as const,
};

export function fetchRestoreMarks(backendId: string, key: string, versionIds: readonly string[]): Promise<RestoreMarksResponse> {
  return fetchJson<RestoreMarksResponse>(backendApiUrl(backendId, 'restore-marks', { key, v: versionIds }));
}

/** "Restored from" marks of these versions (a version's metadata never changes: never refetched). */
export function restoreMarksQuery(backendId: string, key: string, versionIds: readonly string[]) {
  return queryOptions({
    queryKey: restoreMarksKeys.list(backendId, key, versionIds),
    queryFn: () => fetchRestoreMarks(backendId, key, versionIds),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useRestoreMarks(backendId: string, key: string, versionIds: readonly string[]) {
  return useQuery({ ...restoreMarksQuery(backendId, key, versionIds), enabled: versionIds.length > 0 });
}
