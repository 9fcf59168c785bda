import { queryOptions, useQuery } from '@tanstack/react-query';
import type { SessionInfo, SessionRole } from '../api/session';
import { globMatches } from '../terraform/glob';
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

const RANK: Record<SessionRole, number> = { none: 0, viewer: 1, stateReader: 2, operator: 3 };

/**
 * Whether the session says the caller has `role` on `key` of backend `backendId` (`key` omitted: on
 * some key of it). For the UI only: it hides what the server would refuse; the server checks anyway
 * (with the same glob matcher, lib/terraform/glob.ts).
 */
export function sessionAllows(session: SessionInfo, role: Exclude<SessionRole, 'none'>, backendId: string, key?: string): boolean {
  const access = session.backends[backendId];
  if (!access) return false;
  if (role === 'operator' && session.readOnly) return false;
  if (key === undefined) return RANK[access.role] >= RANK[role];
  let rank = RANK[access.baseRole];
  for (const rule of access.rules) if (rule.keys.some((k) => globMatches(k, key))) rank = Math.max(rank, RANK[rule.role]);
  return rank >= RANK[role];
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
