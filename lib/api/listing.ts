/**
 * Query and answer shapes shared by the two big listings, `GET /api/backends/{id}/states` and
 * `…/locks`, for clients that should not take the whole list every time:
 *
 * - `?since=<token>`: the changes since the answer that carried `token` (a change feed): `full` false
 *   with the rows new or changed and the ids removed, or `full` true with every row when that version
 *   is not known here (another replica's, or too old). Nothing changed: a few hundred bytes.
 * - `?limit=<n>[&cursor=<next>]`: one page, filtered (`q`, and per listing `status`/`locked` or
 *   `stale`/`problem`) and sorted (`sort`) by the server; `next` continues it.
 * - Neither: the whole listing, as before, now with its `token`.
 */
import { z } from 'zod';
import type { ErrorJson } from './errors';

export const LISTING_PAGE_MAX = 1_000;
export const LISTING_FILTER_MAX_CHARS = 1_024;

const limitSchema = z.coerce
  .number({ error: 'a whole number of rows' })
  .int('a whole number of rows')
  .min(1, 'at least 1 row')
  .max(LISTING_PAGE_MAX, `at most ${LISTING_PAGE_MAX} rows a page`);

/** Opaque tokens and cursors: printable ASCII, bounded (a longer one was not made by Lockboard). */
const opaque = (what: string) => z.string().min(1, `an empty ${what}`).max(2_048, `not a ${what} Lockboard made`).regex(/^[\x21-\x7e]+$/, `not a ${what} Lockboard made`);

const common = {
  since: opaque('token').optional(),
  limit: limitSchema.optional(),
  cursor: opaque('cursor').optional(),
  /** Case-insensitive substring (no wildcards, no patterns). */
  q: z.string().max(LISTING_FILTER_MAX_CHARS, `a filter has at most ${LISTING_FILTER_MAX_CHARS} characters`).optional(),
};

const oneMode = (q: { since?: string | undefined; limit?: number | undefined; cursor?: string | undefined }) => !(q.since !== undefined && (q.limit !== undefined || q.cursor !== undefined));
const cursorNeedsLimit = (q: { limit?: number | undefined; cursor?: string | undefined }) => q.cursor === undefined || q.limit !== undefined;

/** A comma-separated list of lowercase codes (checked against the known ones by the server). */
const codeList = z.string().max(200).regex(/^[a-z_]+(,[a-z_]+)*$/, 'a comma-separated list of codes');

export const statesListingQuerySchema = z
  .object({
    ...common,
    status: codeList.optional(),
    locked: z.enum(['0', '1']).optional(),
    sort: z.enum(['key', '-key', 'modified', '-modified', 'size', '-size']).optional(),
  })
  .strict()
  .refine(oneMode, { message: 'give either since (a change feed) or limit/cursor (a page), not both' })
  .refine(cursorNeedsLimit, { message: 'a cursor needs the limit it was made with' });

export const locksListingQuerySchema = z
  .object({
    ...common,
    stale: z.enum(['0', '1']).optional(),
    problem: codeList.optional(),
    sort: z.enum(['key', '-key', 'age', '-age']).optional(),
  })
  .strict()
  .refine(oneMode, { message: 'give either since (a change feed) or limit/cursor (a page), not both' })
  .refine(cursorNeedsLimit, { message: 'a cursor needs the limit it was made with' });

export type StatesListingQuery = z.infer<typeof statesListingQuerySchema>;
export type LocksListingQuery = z.infer<typeof locksListingQuerySchema>;

interface ListingMeta {
  /** The version of this answer: pass it back as `since` for the changes after it. */
  token: string;
  fetchedAt: string;
  errors: ErrorJson[];
  notices: string[];
}

/** `?since=`: the rows new or changed since that version, and the ids of those gone (a state's key; a lock's `lockIdentity`). */
export interface ListingChanges<T> extends ListingMeta {
  /** True: `changed` is the whole listing (the version asked about is not known here); replace, do not merge. */
  full: boolean;
  changed: T[];
  removed: string[];
}

/** `?limit=`: one page of the filtered, sorted listing. */
export interface ListingPage<T> extends ListingMeta {
  rows: T[];
  /** Rows matching the filters over all pages. */
  total: number;
  /** Pass back as `cursor` (with the same filters, sort and limit) for the next page; null on the last. */
  next: string | null;
}

/** A lock's identity in a listing (a path may show two locks: the sides of a split lock with different IDs). */
export function lockIdentity(lock: { key: string; id: string; sources: readonly string[] }): string {
  return `${lock.key}\u0000${lock.id}\u0000${lock.sources.join(',')}`;
}
