import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Audited } from '../api/common';
import type { RestoreBody, RestoreResult } from '../api/restore';
import { auditKeys } from './audit';
import { fetchJson } from './fetch-json';
import { locksKeys } from './locks';
import { restoreMarksKeys } from './restore-marks';
import { statesKeys } from './states';
import { versionsKeys } from './versions';
import { backendApiUrl } from '../api/urls';

export type RestoreResponse = RestoreResult & Audited;

/** The body of `POST …/restore` (lib/api/restore.ts is its schema). */
export type RestoreRequest = RestoreBody;

export function postRestore(backendId: string, body: RestoreRequest): Promise<RestoreResponse> {
  return fetchJson<RestoreResponse>(backendApiUrl(backendId, 'restore'), { method: 'POST', body: JSON.stringify(body) });
}

/**
 * Restores a version. Whatever the outcome (a failure may be partial: a version written, a digest
 * not set), the history, marks, states and locks of the backend are refetched.
 */
export function useRestoreVersion(backendId: string, key: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Omit<RestoreRequest, 'key'>) => postRestore(backendId, { ...body, key }),
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: versionsKeys.state(backendId, key) }),
        client.invalidateQueries({ queryKey: restoreMarksKeys.state(backendId, key) }),
        client.invalidateQueries({ queryKey: statesKeys.backend(backendId) }),
        client.invalidateQueries({ queryKey: locksKeys.backend(backendId) }),
        client.invalidateQueries({ queryKey: auditKeys.all }),
      ]),
  });
}
