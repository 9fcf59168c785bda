import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FreezeBody, FreezeResponse, UnfreezeBody, UnfreezeResponse } from '../api/triage';
import { auditKeys } from './audit';
import { fetchJson } from './fetch-json';
import { locksKeys } from './locks';
import { statesKeys } from './states';

function useRefreshAfter() {
  const client = useQueryClient();
  return () =>
    Promise.all([client.invalidateQueries({ queryKey: locksKeys.all }), client.invalidateQueries({ queryKey: statesKeys.all }), client.invalidateQueries({ queryKey: auditKeys.all })]);
}

export function useFreeze() {
  const onSettled = useRefreshAfter();
  return useMutation({
    mutationFn: ({ backendId, body }: { backendId: string; body: FreezeBody }) =>
      fetchJson<FreezeResponse>(`/api/backends/${encodeURIComponent(backendId)}/freeze`, { method: 'POST', body: JSON.stringify(body) }),
    onSettled,
  });
}

export function useUnfreeze() {
  const onSettled = useRefreshAfter();
  return useMutation({
    mutationFn: ({ backendId, body }: { backendId: string; body: UnfreezeBody }) =>
      fetchJson<UnfreezeResponse>(`/api/backends/${encodeURIComponent(backendId)}/unfreeze`, { method: 'POST', body: JSON.stringify(body) }),
    onSettled,
  });
}
