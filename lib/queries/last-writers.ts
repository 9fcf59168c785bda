import { queryOptions } from '@tanstack/react-query';
import type { LastWritersResult } from '../api/last-writers';
import { MAX_LAST_WRITER_KEYS } from '../api/last-writers-limit';
import { fetchJson } from './fetch-json';
import { backendApiUrl } from '../api/urls';
import { RequestSlots } from '../client/request-slots';

export type LastWritersResponse = LastWritersResult;

/** One state to look up: its key and the ETag the listing shows (a new write asks again). */
export interface LastWriterTarget {
  key: string;
  etag: string;
}

export const lastWritersKeys = {
  all: ['last-writers'] as const,
  batch: (backendId: string, targets: readonly LastWriterTarget[]) => ['last-writers', backendId, ...targets.map((t) => `${t.etag} ${t.key}`)] as const,
};

/** Lookups in flight per tab: of the browser's 6 connections per host, 4 stay free for the listing polls. */
const lookups = new RequestSlots(2);

export function fetchLastWriters(backendId: string, keys: readonly string[], signal?: AbortSignal): Promise<LastWritersResponse> {
  return lookups.run(signal, () => fetchJson<LastWritersResponse>(backendApiUrl(backendId, 'last-writers', { k: keys }), signal ? { signal } : undefined));
}

/** Batches of at most MAX_LAST_WRITER_KEYS targets, in order. */
export function lastWriterBatches<T>(targets: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < targets.length; i += MAX_LAST_WRITER_KEYS) out.push(targets.slice(i, i + MAX_LAST_WRITER_KEYS));
  return out;
}

/**
 * The last writers of one batch. A version's writer never changes, and the ETags are part of the
 * key, so an answer is kept until a state is written again; one with unreadable keys is retried.
 */
export function lastWritersQuery(backendId: string, targets: readonly LastWriterTarget[]) {
  return queryOptions({
    queryKey: lastWritersKeys.batch(backendId, targets),
    // The signal: a batch whose rows are filtered or scrolled away is cancelled (TanStack aborts a fetch no one observes).
    queryFn: ({ signal }) => fetchLastWriters(backendId, targets.map((t) => t.key), signal),
    staleTime: Number.POSITIVE_INFINITY,
    refetchInterval: (q) => ((q.state.data?.unreadable.length ?? 0) > 0 ? 30_000 : false),
    refetchIntervalInBackground: false,
  });
}
