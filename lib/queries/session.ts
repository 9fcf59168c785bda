import { queryOptions, useQuery } from '@tanstack/react-query';
import type { SessionInfo } from '../api/session';
import { fetchJson } from './fetch-json';

export type SessionResponse = SessionInfo;

export const sessionKeys = { all: ['session'] as const };

export function fetchSession(): Promise<SessionResponse> {
  return fetchJson<SessionResponse>('/api/session');
}

/** Who the caller is and whether to offer changes (the server enforces the same rules anyway). */
export function sessionQuery() {
  return queryOptions({ queryKey: sessionKeys.all, queryFn: fetchSession, staleTime: 60_000 });
}

export function useSession() {
  return useQuery(sessionQuery());
}

/** True only once the server said this caller may make changes (false while loading or on error). */
export function useCanMutate(): boolean {
  return useSession().data?.canMutate === true;
}
