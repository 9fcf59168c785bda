import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { EstateDecisionBody, EstateDecisionResult, EstateQuery, EstateResponse } from '../api/estate';
import { auditKeys } from './audit';
import { fetchJson } from './fetch-json';

export const estateKeys = {
  all: ['estate'] as const,
  filtered: (q: EstateQuery) => ['estate', q.account ?? '', q.region ?? '', q.problem ?? ''] as const,
};

function queryString(q: EstateQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The estate, filtered; polled (faster while discovery runs, so its progress moves). */
export function estateQuery(q: EstateQuery, pollMs: number) {
  return queryOptions({
    queryKey: estateKeys.filtered(q),
    queryFn: () => fetchJson<EstateResponse>(`/api/estate${queryString(q)}`),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.progress.state === 'running' ? Math.min(pollMs, 2_000) : Math.max(pollMs, 5_000)),
  });
}

/** Accepts or ignores a proposal; the estate and the audit log are read again either way. */
export function useDecide(onDecided?: (result: EstateDecisionResult, body: EstateDecisionBody) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: EstateDecisionBody) => fetchJson<EstateDecisionResult>('/api/estate/proposals', { method: 'POST', body: JSON.stringify(body) }),
    onSuccess: (result, body) => onDecided?.(result, body),
    onSettled: () => Promise.all([client.invalidateQueries({ queryKey: estateKeys.all }), client.invalidateQueries({ queryKey: auditKeys.all })]),
  });
}
