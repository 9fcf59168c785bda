/**
 * GET /api/session: who the caller is and what they may do, for the UI to show only the actions the
 * caller has (the server checks every request regardless).
 */

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
  /** Per configured backend id. */
  backends: Record<string, BackendPermissions>;
}
