import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { MigrationCleanupBody, MigrationCleanupResponse, MigrationResponse } from '../api/migration';
import { auditKeys } from './audit';
import { fetchJson } from './fetch-json';
import { locksKeys } from './locks';
import { statesKeys } from './states';
import { backendApiUrl } from '../api/urls';

export const migrationKeys = {
  all: ['migration'] as const,
  backend: (backendId: string) => ['migration', backendId] as const,
};

export function migrationQuery(backendId: string) {
  return queryOptions({
    queryKey: migrationKeys.backend(backendId),
    queryFn: () => fetchJson<MigrationResponse>(backendApiUrl(backendId, 'migration')),
    // Reads the .tflock history of every state: refreshed on request, not polled, except while the
    // server is still reading histories (each answer then carries what has been read so far).
    staleTime: 60_000,
    refetchInterval: (query) => (query.state.data && query.state.data.summary.pending > 0 ? 3_000 : false),
  });
}

export function useMigrationCleanup(backendId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: MigrationCleanupBody) =>
      fetchJson<MigrationCleanupResponse>(backendApiUrl(backendId, 'migration/cleanup'), { method: 'POST', body: JSON.stringify(body) }),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: migrationKeys.backend(backendId) }),
        client.invalidateQueries({ queryKey: locksKeys.backend(backendId) }),
        client.invalidateQueries({ queryKey: statesKeys.all }),
        client.invalidateQueries({ queryKey: auditKeys.all }),
      ]),
  });
}
