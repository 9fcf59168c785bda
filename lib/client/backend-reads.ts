'use client';
import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { ErrorJson } from '@/lib/api/errors';
import { toClientError } from '@/lib/queries/fetch-json';

/** What the browser knows about one backend's section of a page. */
export type ReadStatus =
  /** First read running. */
  | 'loading'
  /** Read. */
  | 'ok'
  /** Read, but part of the backend could not be (its `errors`: e.g. the lock table is missing). */
  | 'partial'
  /** The last read failed; what is shown is the last known data (`fetchedAt`). */
  | 'stale'
  /** Never read: nothing is known. */
  | 'failed';

export interface BackendRead<T> {
  status: ReadStatus;
  /** The data last read (also when `stale`). */
  data: T | undefined;
  /** When the server read the data shown (its `fetchedAt`), or null. */
  fetchedAt: string | null;
  /** Why the backend (or part of it) is not read: kept until a read succeeds, not only while no request runs. */
  errors: ErrorJson[];
}

interface Answer {
  fetchedAt: string;
  errors: ErrorJson[];
}

type Remembered = Record<string, { at: number; error: ErrorJson }>;

function toJson(error: unknown): ErrorJson {
  return toClientError(error)!.toJson();
}

/**
 * The read status of each backend's query, with its failure kept until the next successful read.
 * TanStack Query clears the error of a query that has no data whenever it fetches again, which made
 * banners vanish and return on every poll and the page say "Loading…" forever; the failure is kept
 * here, keyed by the query's `errorUpdatedAt`, and dropped once a later read succeeds.
 */
export function useBackendReads<T extends Answer>(ids: readonly string[], results: ReadonlyArray<UseQueryResult<T>>): Array<BackendRead<T>> {
  const [remembered, setRemembered] = useState<Remembered>({});
  let current = remembered;
  for (const [i, r] of results.entries()) {
    const id = ids[i]!;
    if (r.error && current[id]?.at !== r.errorUpdatedAt) current = { ...current, [id]: { at: r.errorUpdatedAt, error: toJson(r.error) } };
  }
  // Storing what earlier renders saw (React's "adjusting state while rendering" pattern).
  if (current !== remembered) setRemembered(current);

  return results.map((r, i) => {
    const memory = current[ids[i]!];
    const failing = memory !== undefined && memory.at >= r.dataUpdatedAt && r.errorUpdatedAt >= r.dataUpdatedAt;
    const data = r.data;
    if (failing) return { status: data ? 'stale' : 'failed', data, fetchedAt: data?.fetchedAt ?? null, errors: [memory.error] };
    if (!data) return { status: 'loading', data, fetchedAt: null, errors: [] };
    return { status: data.errors.length > 0 ? 'partial' : 'ok', data, fetchedAt: data.fetchedAt, errors: data.errors };
  });
}

export interface RefreshStatus {
  /** When the sections were last read successfully (ms), or null before any was. */
  readAt: number | null;
  /** A read is running now. */
  refreshing: boolean;
  /** How many sections failed their last read (their banners say why). */
  failed: number;
  /** How often this page asks the server. */
  pollMs: number;
  /** How often the server reads each backend (0: on every request); undefined: not said. */
  watchMs?: number;
}

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} s`;
const backendsWord = (n: number) => (n === 1 ? '1 backend' : `${n} backends`);

/**
 * The refresh line in words, every sentence whole: how old the data is (`readAt`, shown by the caller
 * as a ticking time), how often the server reads it and how often this page asks, which are two
 * different intervals, and how many backends could not be read. `notRead`: nothing was read yet.
 */
export function refreshWords({ readAt, refreshing, failed, pollMs, watchMs }: RefreshStatus): { notRead: string } | { parts: string[] } {
  const page = `this page asks every ${seconds(pollMs)}`;
  if (readAt === null) return { notRead: failed > 0 ? `Not read: ${failed === 1 ? 'a backend' : `${failed} backends`} could not be read · ${page}` : 'Reading…' };
  const parts: string[] = [];
  if (watchMs !== undefined) parts.push(watchMs > 0 ? `the server reads each backend every ${seconds(watchMs)}` : 'the server reads on every request');
  parts.push(page);
  if (refreshing) parts.push('refreshing…');
  if (failed > 0) parts.push(`${backendsWord(failed)} could not be read: see ${failed === 1 ? 'its banner' : 'their banners'}`);
  return { parts };
}

/** The page header's refresh line of a page made of one query per backend. */
export function refreshStatus(results: ReadonlyArray<UseQueryResult<unknown>>, reads: ReadonlyArray<BackendRead<unknown>>, pollMs: number, watchMs?: number): RefreshStatus {
  // The server's read time of each listing shown (`fetchedAt`), else when the browser got it; the
  // page is as old as its oldest listing.
  const read = results
    .filter((_, i) => reads[i]!.status === 'ok' || reads[i]!.status === 'partial')
    .map((r) => {
      const fetchedAt = (r.data as { fetchedAt?: unknown } | undefined)?.fetchedAt;
      const server = typeof fetchedAt === 'string' ? Date.parse(fetchedAt) : NaN;
      return Number.isFinite(server) ? server : r.dataUpdatedAt;
    });
  return {
    readAt: read.length > 0 ? Math.min(...read) : null,
    refreshing: results.some((r) => r.isFetching),
    failed: reads.filter((r) => r.status === 'failed' || r.status === 'stale').length,
    pollMs,
    ...(watchMs === undefined ? {} : { watchMs }),
  };
}

/** Which backends a section could not read (fully), said plainly; null when all were read. */
export function unreadText(backends: ReadonlyArray<{ name: string }>, reads: ReadonlyArray<BackendRead<unknown>>, what: string): string | null {
  const names = backends.filter((_, i) => ['failed', 'stale', 'partial'].includes(reads[i]!.status)).map((b) => `"${b.name}"`);
  if (names.length === 0) return null;
  return `${names.length === 1 ? `Backend ${names[0]} was` : `Backends ${names.join(', ')} were`} not read (fully): ${names.length === 1 ? 'its' : 'their'} ${what} are unknown.`;
}
