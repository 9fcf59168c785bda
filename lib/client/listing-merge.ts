/**
 * What the browser holds of one backend's big listing (states or locks), kept current by the change
 * feed (`?since=<token>`, lib/api/listing.ts): a poll that finds nothing changed leaves the held rows
 * untouched (the same array, so nothing downstream recomputes), one changed row replaces that row.
 * Pure.
 */
import type { ListingChanges } from '../api/listing';

/** Orders rows as the server lists them (states and locks by key), so a merge and a reload agree. */
const collator = new Intl.Collator(undefined, { sensitivity: 'variant' });
export const byKey = (a: { key: string }, b: { key: string }) => collator.compare(a.key, b.key);

/**
 * The rows after a change-feed answer: `full` replaces them; otherwise changed rows replace the held
 * row of the same identity (kept in place), new ones are placed in order, removed ones leave.
 * Returns `held` itself when nothing changed. `stamp` marks each row taken from the answer (e.g.
 * when it was received, from which the client ages a lock).
 */
export function mergeRows<T>(
  held: readonly T[],
  answer: Pick<ListingChanges<T>, 'full' | 'changed' | 'removed'>,
  identity: (row: T) => string,
  compare: (a: T, b: T) => number,
  stamp: (row: T) => T = (row) => row,
): readonly T[] {
  if (answer.full) return [...answer.changed.map(stamp)].sort(compare);
  if (answer.changed.length === 0 && answer.removed.length === 0) return held;
  const changed = new Map(answer.changed.map((row) => [identity(row), row]));
  const removed = new Set(answer.removed);
  const out: T[] = [];
  for (const row of held) {
    const id = identity(row);
    if (removed.has(id)) continue;
    const next = changed.get(id);
    if (next === undefined) out.push(row);
    else {
      out.push(stamp(next));
      changed.delete(id);
    }
  }
  if (changed.size === 0) return out;
  // New rows: appended, then one stable sort (nearly sorted input: about one comparison a row).
  for (const row of changed.values()) out.push(stamp(row));
  return out.sort(compare);
}
