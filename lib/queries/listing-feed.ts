import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { ErrorJson } from '../api/errors';
import type { ListingChanges } from '../api/listing';
import { mergeRows } from '../client/listing-merge';
import { fetchJson } from './fetch-json';

/** What the browser holds of a listing: the server's answer with its `token`, rows under `field`. */
export type HeldListing<F extends string, T> = { token: string; fetchedAt: string; errors: ErrorJson[]; notices: string[] } & { [K in F]: T[] };

interface FeedSpec<F extends string, T> {
  field: F;
  /** The whole listing's URL (the feed adds `since`). */
  url: string;
  identity: (row: T) => string;
  compare: (a: T, b: T) => number;
  /** Marks a row as received now (its age counts from here). */
  stamp: (row: T, now: number) => T;
}

/**
 * One poll of a big listing: the whole listing the first time, then only the changes since the
 * token held (a few hundred bytes when nothing changed), merged into what is held. The held rows
 * array is kept as it is when nothing changed, so the views built on it do not recompute.
 */
export async function pollListing<F extends string, T>(client: QueryClient, key: QueryKey, spec: FeedSpec<F, T>, signal: AbortSignal): Promise<HeldListing<F, T>> {
  const held = client.getQueryData<HeldListing<F, T>>(key);
  const now = () => Date.now();
  if (!held) {
    const whole = await fetchJson<HeldListing<F, T>>(spec.url, { signal });
    const t = now();
    return { ...whole, [spec.field]: mergeRows([], { full: true, changed: whole[spec.field], removed: [] }, spec.identity, spec.compare, (r) => spec.stamp(r, t)) } as HeldListing<F, T>;
  }
  const sep = spec.url.includes('?') ? '&' : '?';
  const answer = await fetchJson<ListingChanges<T>>(`${spec.url}${sep}since=${encodeURIComponent(held.token)}`, { signal });
  const t = now();
  // Merged into what is held now (an unlock may have taken a row out meanwhile).
  const current = client.getQueryData<HeldListing<F, T>>(key) ?? held;
  const rows = mergeRows(current[spec.field], answer, spec.identity, spec.compare, (r) => spec.stamp(r, t));
  return { token: answer.token, fetchedAt: answer.fetchedAt, errors: answer.errors, notices: answer.notices, [spec.field]: rows } as HeldListing<F, T>;
}
