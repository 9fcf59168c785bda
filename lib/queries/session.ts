import { queryOptions, useQuery } from '@tanstack/react-query';
import { sessionAllows, type SessionInfo } from '../api/session';
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

/**
 * True only once the server said this caller may make changes (false while loading or on error):
 * anywhere, or on this backend (and key) when named, per the access rules the session reports.
 */
export function useCanMutate(backendId?: string, key?: string): boolean {
  const session = useSession().data;
  if (!session || session.canMutate !== true) return false;
  return backendId === undefined ? true : sessionAllows(session, 'operator', backendId, key);
}

/** Whether the caller may download raw state (plaintext secrets) of this key. */
export function useCanDownload(backendId: string, key: string): boolean {
  const session = useSession().data;
  return session ? sessionAllows(session, 'stateReader', backendId, key) : false;
}
