/**
 * The routes the CLI and the MCP server use, typed by the contract in lib/api (the types the web page
 * uses), each answer checked for the field that shows it is Lockboard's.
 */
import type { AuditListing } from '../../api/audit';
import type { BackendsResult } from '../../api/backends';
import type { Audited } from '../../api/common';
import type { DiffResult } from '../../api/diff';
import type { SearchResponse } from '../../api/inventory';
import type { LocksResult } from '../../api/locks';
import type { PostureResponse } from '../../api/posture';
import type { SessionInfo } from '../../api/session';
import type { StatesResult } from '../../api/states';
import type { FreezeBody, FreezeResponse, UnfreezeBody, UnfreezeResponse } from '../../api/freeze';
import type { UnlockBody, UnlockResult } from '../../api/unlock';
import type { VersionsResult } from '../../api/versions';
import type { LockboardClient } from './client';

const backendPath = (id: string, route: string) => `/api/backends/${encodeURIComponent(id)}/${route}`;
const isArray = (field: string) => (b: Record<string, unknown>) => Array.isArray(b[field]);

export interface AuditQuery {
  backend?: string;
  key?: string;
  user?: string;
  action?: string;
  outcome?: string;
  limit?: string;
}

export function lockboardApi(c: LockboardClient) {
  return {
    session: () => c.get<SessionInfo>('/api/session', {}, (b) => typeof b.authMode === 'string' && typeof b.backends === 'object' && b.backends !== null),
    backends: () => c.get<BackendsResult>('/api/backends', {}, isArray('backends')),
    locks: (id: string) => c.get<LocksResult>(backendPath(id, 'locks'), {}, isArray('locks')),
    states: (id: string) => c.get<StatesResult>(backendPath(id, 'states'), {}, isArray('states')),
    versions: (id: string, key: string) => c.get<VersionsResult>(backendPath(id, 'versions'), { key, writers: '1' }, isArray('versions')),
    diff: (id: string, q: { key: string; from?: string; to?: string; limit?: string }) => c.get<DiffResult>(backendPath(id, 'diff'), q, (b) => typeof b.key === 'string' && typeof b.page === 'object'),
    posture: (id: string) => c.get<PostureResponse>(backendPath(id, 'posture'), {}, (b) => typeof b.restore === 'string'),
    search: (q: string) => c.get<SearchResponse>('/api/search', { q }, isArray('hits')),
    audit: (q: AuditQuery) => c.get<AuditListing>('/api/audit', { ...q }, isArray('records')),
    unlock: (id: string, body: UnlockBody) => c.post<UnlockResult & Audited>(backendPath(id, 'unlock'), body, (b) => b.unlocked === true),
    freeze: (id: string, body: FreezeBody) => c.post<FreezeResponse>(backendPath(id, 'freeze'), body, isArray('results')),
    unfreeze: (id: string, body: UnfreezeBody) => c.post<UnfreezeResponse>(backendPath(id, 'unfreeze'), body, isArray('results')),
  };
}

export type LockboardApi = ReturnType<typeof lockboardApi>;
