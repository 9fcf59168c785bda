import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FreezeBody, FreezeResponse, UnfreezeBody, UnfreezeResponse } from '../api/freeze';
import { auditKeys } from './audit';
import { fetchJson } from './fetch-json';
import { locksKeys } from './locks';
import { statesKeys } from './states';
import { backendApiUrl } from '../api/urls';

function useRefreshAfter() {
  const client = useQueryClient();
  return () =>
    Promise.all([client.invalidateQueries({ queryKey: locksKeys.all }), client.invalidateQueries({ queryKey: statesKeys.all }), client.invalidateQueries({ queryKey: auditKeys.all })]);
}

/** `onFrozen` runs here rather than in mutate()'s callbacks, which do not run once the caller unmounted (a frozen state's page swaps "Freeze…" for "Unfreeze"). */
export function useFreeze(onFrozen?: (result: FreezeResponse, variables: { backendId: string; body: FreezeBody }) => void) {
  const onSettled = useRefreshAfter();
  return useMutation({
    mutationFn: ({ backendId, body }: { backendId: string; body: FreezeBody }) =>
      fetchJson<FreezeResponse>(backendApiUrl(backendId, 'freeze'), { method: 'POST', body: JSON.stringify(body) }),
    onSuccess: (result, variables) => onFrozen?.(result, variables),
    onSettled,
  });
}

/** `onUnfrozen` runs here rather than in mutate()'s callbacks, which do not run once the frozen row (and its action) is gone. */
export function useUnfreeze(onUnfrozen?: (result: UnfreezeResponse) => void) {
  const onSettled = useRefreshAfter();
  return useMutation({
    mutationFn: ({ backendId, body }: { backendId: string; body: UnfreezeBody }) =>
      fetchJson<UnfreezeResponse>(backendApiUrl(backendId, 'unfreeze'), { method: 'POST', body: JSON.stringify(body) }),
    onSuccess: (result) => onUnfrozen?.(result),
    onSettled,
  });
}
