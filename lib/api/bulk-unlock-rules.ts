/**
 * What the browser needs of the bulk unlock contract, without zod (lib/api/bulk-unlock.ts holds the
 * schemas and re-exports these): the request cap and the typed confirmation.
 */

/** At most this many locks per bulk unlock request. */
export const BULK_UNLOCK_MAX = 500;

/** The typed confirmation naming the count: `UNLOCK 14`. */
export function bulkUnlockConfirmation(count: number): string {
  return `UNLOCK ${count}`;
}
