import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RepairDigestResult } from '../services/repair-digest';
import { auditKeys } from './audit';
import { fetchJson } from './fetch-json';
import { statesKeys } from './states';

export type RepairDigestResponse = RepairDigestResult;

export interface RepairDigestRequest {
  key: string;
  /** The Digest shown (null: no digest item). */
  expected: string | null;
  reason: string;
}

export function postRepairDigest(backendId: string, body: RepairDigestRequest): Promise<RepairDigestResponse> {
  return fetchJson<RepairDigestResponse>(`/api/backends/${encodeURIComponent(backendId)}/digest`, { method: 'POST', body: JSON.stringify(body) });
}

/** Repairs one digest; the backend's states are refetched whatever the outcome. */
export function useRepairDigest(backendId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: RepairDigestRequest) => postRepairDigest(backendId, body),
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: statesKeys.backend(backendId) }), client.invalidateQueries({ queryKey: auditKeys.all })]),
  });
}
