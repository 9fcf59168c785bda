import { queryOptions } from '@tanstack/react-query';
import type { StatesResult } from '../api/states';
import { fetchJson } from './fetch-json';
import { backendApiUrl } from '../api/urls';

export type StatesResponse = StatesResult;

export const statesKeys = {
  all: ['states'] as const,
  backend: (backendId: string) => ['states', backendId] as const,
};

export function fetchStates(backendId: string): Promise<StatesResponse> {
  return fetchJson<StatesResponse>(backendApiUrl(backendId, 'states'));
}

export function statesQuery(backendId: string, pollMs: number) {
  return queryOptions({
    queryKey: statesKeys.backend(backendId),
    queryFn: () => fetchStates(backendId),
    refetchInterval: pollMs,
    refetchIntervalInBackground: false,
  });
}
