import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Audited } from '../api/common';
import type { LockRef, UnlockBody, UnlockResult } from '../api/unlock';
import type { Lock } from '../api/locks';
import { auditKeys } from './audit';
import { fetchJson } from './fetch-json';
import { locksKeys, type LocksResponse } from './locks';
import { statesKeys } from './states';
import { backendApiUrl } from '../api/urls';

export type UnlockResponse = UnlockResult & Audited;

/** The body of `POST …/unlock` (lib/api/unlock.ts is its schema). */
export type UnlockRequest = UnlockBody;

export function postUnlock(backendId: string, body: UnlockRequest): Promise<UnlockResponse> {
  return fetchJson<UnlockResponse>(backendApiUrl(backendId, 'unlock'), { method: 'POST', body: JSON.stringify(body) });
}

/** Exactly the lock shown, as `GET /locks` listed it: key, ID, `seen` as is, and its side when it has only one. */
export function lockRefOf(lock: Lock): LockRef {
  return { key: lock.key, id: lock.id, seen: lock.seen, ...(lock.sources.length === 1 ? { source: lock.sources[0] } : {}) };
}

/** The request for exactly the lock shown. */
export function unlockRequestFor(lock: Lock, reason: string): UnlockRequest {
  return { ...lockRefOf(lock), reason };
}

/**
 * Force-unlocks one lock; `onUnlocked` is told first (even when the caller unmounts with the row). On success the lock leaves the cached listing at once (the row disappears)
 * and the locks and states of the backend are refetched; on a failure they are refetched too, so the
 * page shows whatever holds the lock now.
 */
export function useUnlock(backendId: string, onUnlocked?: (result: UnlockResponse, lock: Lock) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ lock, reason }: { lock: Lock; reason: string }) => postUnlock(backendId, unlockRequestFor(lock, reason)),
    onSuccess: (result, { lock }) => {
      // Here, not in mutate()'s callbacks: those never run once the row (and its action) is gone.
      onUnlocked?.(result, lock);
      client.setQueryData<LocksResponse>(locksKeys.backend(backendId), (old) =>
        old ? { ...old, locks: old.locks.filter((l) => !(l.key === lock.key && l.id === lock.id && l.sources.join() === lock.sources.join())) } : old,
      );
    },
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: locksKeys.backend(backendId) }),
        client.invalidateQueries({ queryKey: statesKeys.backend(backendId) }),
        client.invalidateQueries({ queryKey: auditKeys.all }),
      ]),
  });
}
