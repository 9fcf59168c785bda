import type { ListingPage } from '../api/listing';

/**
 * What a page says while it shows first pages (lib/queries/first-page.ts) for backends whose whole
 * listing is still loading: how many of how many rows, and that filters and counts cover only those.
 * Null when no first page is shown.
 */
export function firstPageNote(backends: ReadonlyArray<{ name: string }>, previews: ReadonlyArray<ListingPage<unknown> | null>, what: 'states' | 'locks'): string | null {
  const shown = backends.flatMap((b, i) => {
    const p = previews[i];
    return p ? [`${p.rows.length} of ${p.total.toLocaleString('en-US')} of backend "${b.name}"`] : [];
  });
  if (shown.length === 0) return null;
  const order = what === 'states' ? 'by key' : 'oldest first';
  return `Showing the first ${what} (${order}): ${shown.join('; ')}. The whole listing is loading; until it is in, filters and counts cover only these.`;
}
