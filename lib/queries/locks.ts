import { queryOptions } from '@tanstack/react-query';
import type { LocksResult } from '../api/locks';
import { withSplitSides, type ListedLock } from '../client/lock-words';
import { fetchJson } from './fetch-json';
import { backendApiUrl } from '../api/urls';

export type LocksResponse = LocksResult;

export const locksKeys = {
  all: ['locks'] as const,
  backend: (backendId: string) => ['locks', backendId] as const,
};

/** A listing whose split locks say what the other side holds (read from the same listing). */
function markSplitSides(data: LocksResponse): LocksResponse & { locks: ListedLock[] } {
  return { ...data, locks: withSplitSides(data.locks) };
}

export function locksQuery(backendId: string, pollMs: number) {
  return queryOptions({
    queryKey: locksKeys.backend(backendId),
    queryFn: () => fetchJson<LocksResponse>(backendApiUrl(backendId, 'locks')),
    refetchInterval: pollMs,
    refetchIntervalInBackground: false,
    select: markSplitSides,
  });
}
