import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Audited } from '../api/common';
import type { RepairDigestBody, RepairDigestResult } from '../api/digest';
import { auditKeys } from './audit';
import { fetchJson } from './fetch-json';
import { statesKeys } from './states';
import { backendApiUrl } from '../api/urls';

export type RepairDigestResponse = RepairDigestResult & Audited;

/** The body of `POST …/digest` (lib/api/digest.ts is its schema). */
export type RepairDigestRequest = RepairDigestBody;

export function postRepairDigest(backendId: string, body: RepairDigestRequest): Promise<RepairDigestResponse> {
  return fetchJson<RepairDigestResponse>(backendApiUrl(backendId, 'digest'), { method: 'POST', body: JSON.stringify(body) });
}

/** Repairs one digest; the backend's states are refetched whatever the outcome. */
export function useRepairDigest(backendId: string, onRepaired?: (result: RepairDigestResponse) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: RepairDigestRequest) => postRepairDigest(backendId, body),
    // Here, not in mutate()'s callbacks, which do not run once the caller unmounted.
    onSuccess: (result) => onRepaired?.(result),
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: statesKeys.backend(backendId) }), client.invalidateQueries({ queryKey: auditKeys.all })]),
  });
}
