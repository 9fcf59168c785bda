import { queryOptions } from '@tanstack/react-query';
import type { StateEntry } from '../api/states';
import { byKey } from '../client/listing-merge';
import { pollListing, type HeldListing } from './listing-feed';
import { backendApiUrl } from '../api/urls';

/** A state as held by the browser: its lock stamped with when it was received (lib/client/lock-age.ts). */
export type HeldState = StateEntry & { lock: (NonNullable<StateEntry['lock']> & { receivedAt?: number }) | null };

/** One backend's states as the browser holds them, kept current by the change feed. */
export type StatesResponse = HeldListing<'states', HeldState>;

export const statesKeys = {
  all: ['states'] as const,
  backend: (backendId: string) => ['states', backendId] as const,
};

const stampState = (s: HeldState, now: number): HeldState => (s.lock ? { ...s, lock: { ...s.lock, receivedAt: now } } : s);

/**
 * A backend's states: the whole listing once, then every `pollMs` only what changed since
 * (`?since=`), merged in; the rows of an unchanged poll stay the same array.
 */
export function statesQuery(backendId: string, pollMs: number) {
  const queryKey = statesKeys.backend(backendId);
  return queryOptions({
    queryKey,
    queryFn: ({ client, signal }) => pollListing(client, queryKey, { field: 'states', url: backendApiUrl(backendId, 'states'), identity: (s: HeldState) => s.key, compare: byKey, stamp: stampState }, signal),
    refetchInterval: pollMs,
    refetchIntervalInBackground: false,
    // The merge keeps unchanged rows as they are; a deep compare of 20,000 rows per poll would not.
    structuralSharing: false,
  });
}
