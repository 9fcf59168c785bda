import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { DiffResult } from '../api/diff';
import { fetchJson } from './fetch-json';
import { backendApiUrl } from '../api/urls';

export type DiffResponse = DiffResult;

export interface DiffParams {
  from: string;
  to: string;
  offset: number;
  limit: number;
}

export const diffKeys = {
  all: ['diff'] as const,
  page: (backendId: string, key: string, p: DiffParams) => ['diff', backendId, key, p.from, p.to, p.offset, p.limit] as const,
};

export function fetchDiff(backendId: string, key: string, p: DiffParams): Promise<DiffResponse> {
  return fetchJson<DiffResponse>(backendApiUrl(backendId, 'diff', { key, from: p.from, to: p.to, offset: p.offset, limit: p.limit }));
}

/** One page of the diff between two versions (immutable, so never refetched). */
export function diffQuery(backendId: string, key: string, p: DiffParams) {
  return queryOptions({
    queryKey: diffKeys.page(backendId, key, p),
    queryFn: () => fetchDiff(backendId, key, p),
    staleTime: p.from === 'null' || p.to === 'null' ? 5_000 : Number.POSITIVE_INFINITY,
    // Keep the previous page on screen while the next one loads.
    placeholderData: keepPreviousData,
  });
}

export function useDiff(backendId: string, key: string, p: DiffParams | null) {
  return useQuery({ ...diffQuery(backendId, key, p ?? { from: '', to: '', offset: 0, limit: 1 }), enabled: p !== null });
}
