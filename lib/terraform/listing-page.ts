/**
 * Server-side filtering, sorting and paging of a listing with a keyset cursor: a cursor names the
 * last row sent (its sort value and identity), so the next page is "the rows after it" in the same
 * order, correct whatever changed between two pages (rows are neither repeated nor skipped unless
 * they moved), and a cursor made up by hand is just another position, never an error past parsing.
 * Filtering is a plain substring test (linear in the text; no pattern is compiled from input).
 */

export type SortValue = string | number | null;

export interface SortSpec<T> {
  /** The value rows are ordered by (null sorts last in either direction). */
  value: (item: T) => SortValue;
  descending: boolean;
  identity: (item: T) => string;
}

export interface Page<T> {
  items: T[];
  /** Rows matching the filter, over all pages. */
  total: number;
  /** The cursor of the following page, or null on the last one. */
  next: string | null;
}

type Position = [SortValue, string];

function compareValues(a: SortValue, b: SortValue, descending: boolean): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const order = typeof a === typeof b ? (a < b ? -1 : 1) : typeof a === 'number' ? -1 : 1;
  return descending ? -order : order;
}

function comparePositions(a: Position, b: Position, descending: boolean): number {
  const byValue = compareValues(a[0], b[0], descending);
  if (byValue !== 0) return byValue;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Sorts a copy of `items` by the spec (ties by identity, so the order is total). */
export function sortListing<T>(items: readonly T[], spec: SortSpec<T>): T[] {
  const keyed = items.map((item) => ({ item, pos: [spec.value(item), spec.identity(item)] as Position }));
  keyed.sort((a, b) => comparePositions(a.pos, b.pos, spec.descending));
  return keyed.map((k) => k.item);
}

const toBase64Url = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function fromBase64Url(text: string): string | null {
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

export function encodeCursor(position: Position): string {
  return toBase64Url(JSON.stringify(position));
}

/** The position a cursor names, or null when it is not one (a 400 for the caller). */
export function decodeCursor(cursor: string): Position | null {
  const text = fromBase64Url(cursor);
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v) || v.length !== 2 || typeof v[1] !== 'string') return null;
    const [value] = v as [unknown, string];
    if (value !== null && typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) return null;
    return v as Position;
  } catch {
    return null;
  }
}

/**
 * One page of `sorted` (already filtered and sorted by `spec`) after `cursor` (null: from the start).
 * Binary search for the cursor's place: a page costs O(log n + limit).
 */
export function pageAfter<T>(sorted: readonly T[], spec: SortSpec<T>, limit: number, cursor: Position | null): Page<T> {
  let start = 0;
  if (cursor) {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const item = sorted[mid]!;
      if (comparePositions([spec.value(item), spec.identity(item)], cursor, spec.descending) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const items = sorted.slice(start, start + limit);
  const last = items.at(-1);
  const more = start + items.length < sorted.length;
  return { items, total: sorted.length, next: more && last !== undefined ? encodeCursor([spec.value(last), spec.identity(last)]) : null };
}

/** Case-insensitive substring test of `needle` (already lower-cased) in any of the fields. */
export function matchesText(needle: string, fields: ReadonlyArray<string | null | undefined>): boolean {
  if (needle === '') return true;
  for (const f of fields) if (f && f.toLowerCase().includes(needle)) return true;
  return false;
}
