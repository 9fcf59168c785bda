/**
 * GET /api/session: who the caller is and what they may do, for the UI to show only the actions the
 * caller has (the server checks every request regardless).
 */

import { globMatches } from './key-globs';

export type SessionRole = 'none' | 'viewer' | 'stateReader' | 'operator';

export interface BackendPermissions {
  /** Highest role on any key of the backend. */
  role: SessionRole;
  /** Role on keys no rule below names. */
  baseRole: SessionRole;
  /** Key globs (`*` within a path segment, `**` across) where the caller has more than `baseRole`. */
  rules: Array<{ keys: string[]; role: Exclude<SessionRole, 'none'> }>;
  canView: boolean;
  /** Raw state downloads somewhere in the backend (per key: see `rules`). */
  canDownload: boolean;
  /** Changes somewhere in the backend (false in read-only mode). */
  canMutate: boolean;
}

export interface SessionInfo {
  /** null in proxy mode when the identity is missing (the proxy refuses such requests with 401 anyway). */
  user: string | null;
  anonymous: boolean;
  groups: string[];
  authMode: 'none' | 'proxy';
  canMutate: boolean;
  readOnly: boolean;
  /** Per backend the caller may view (the others are not named). */
  backends: Record<string, BackendPermissions>;
}

const RANK: Record<SessionRole, number> = { none: 0, viewer: 1, stateReader: 2, operator: 3 };

/**
 * Whether the session says the caller has `role` on `key` of backend `backendId` (`key` omitted: on
 * some key of it). For the UI only: it hides what the server would refuse; the server checks anyway.
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
