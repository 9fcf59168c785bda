import { queryOptions } from '@tanstack/react-query';
import { lockIdentity } from '../api/listing';
import type { Lock } from '../api/locks';
import { byKey } from '../client/listing-merge';
import { withSplitSides, type ListedLock } from '../client/lock-words';
import { pollListing, type HeldListing } from './listing-feed';
import { backendApiUrl } from '../api/urls';

/** A lock as held by the browser: stamped with when it was received, from which it is aged (lib/client/lock-age.ts). */
export type HeldLock = Lock & { receivedAt?: number };

/** One backend's locks as the browser holds them, kept current by the change feed. */
export type LocksResponse = HeldListing<'locks', HeldLock>;

export const locksKeys = {
  all: ['locks'] as const,
  backend: (backendId: string) => ['locks', backendId] as const,
};

/** A listing whose split locks say what the other side holds (read from the same listing). */
function markSplitSides(data: LocksResponse): LocksResponse & { locks: Array<ListedLock & HeldLock> } {
  return { ...data, locks: withSplitSides(data.locks) };
}

const compareLocks = (a: HeldLock, b: HeldLock) => byKey(a, b) || (lockIdentity(a) < lockIdentity(b) ? -1 : lockIdentity(a) > lockIdentity(b) ? 1 : 0);

/**
 * A backend's live locks: the whole listing once, then every `pollMs` only what changed since
 * (`?since=`; a lock's age is not a change: the browser ages what it holds), merged in.
 */
export function locksQuery(backendId: string, pollMs: number) {
  const queryKey = locksKeys.backend(backendId);
  return queryOptions({
    queryKey,
    queryFn: ({ client, signal }) => pollListing(client, queryKey, { field: 'locks', url: backendApiUrl(backendId, 'locks'), identity: lockIdentity, compare: compareLocks, stamp: (l: HeldLock, now: number) => ({ ...l, receivedAt: now }) }, signal),
    refetchInterval: pollMs,
    refetchIntervalInBackground: false,
    structuralSharing: false,
    select: markSplitSides,
  });
}
