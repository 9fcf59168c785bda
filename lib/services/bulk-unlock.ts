import 'server-only';
/**
 * Bulk force-unlock (issue 15): many locks, one decision, one reason, one typed confirmation. Each lock
 * goes through exactly the single unlock (`forceUnlock`: fresh read, "still the lock seen", conditional
 * deletes) under its own audit record, which carries the bulk action's id. Locks run at most
 * BULK_UNLOCK_CONCURRENCY at a time; nothing is retried: a lock that changed, vanished or failed is
 * reported as such and left for the operator to look at again.
 *
 * The per-lock runner is passed in (the route runs each under its own audit record), so this module decides
 * only the fan-out and how each answer reads.
 */
import { AppError } from '../api/errors';
import { BULK_UNLOCK_CONCURRENCY, type BulkLock, type BulkUnlockItemResult, type BulkUnlockOutcome, type BulkUnlockResponse } from '../api/triage';
import { mapLimit } from '../server/concurrency';
import { toAppError } from '../server/errors';
import type { UnlockResult } from './force-unlock';

/** Unlocks one lock; calls `onAudit` with its audit record id once that record exists. */
export type UnlockOne = (lock: BulkLock, onAudit: (auditId: string) => void) => Promise<UnlockResult>;

const REFUSED = new Set(['bad_request', 'unauthorized', 'forbidden', 'unsupported_media_type', 'backend_not_found', 'audit_unavailable', 'config_invalid']);

/** How a failed single unlock reads in the bulk result. */
export function outcomeOf(error: AppError): BulkUnlockOutcome {
  if (error.code === 'lock_changed') return 'changed';
  if (error.code === 'lock_not_found') return 'gone';
  return REFUSED.has(error.code) ? 'refused' : 'failed';
}

export async function bulkUnlock(locks: readonly BulkLock[], bulkId: string, unlockOne: UnlockOne, concurrency = BULK_UNLOCK_CONCURRENCY): Promise<BulkUnlockResponse> {
  const results = await mapLimit(locks, concurrency, async (lock): Promise<BulkUnlockItemResult> => {
    let auditId: string | null = null;
    try {
      const done = await unlockOne(lock, (id) => (auditId = id));
      const partly = done.alreadyReleased.length > 0 ? ` (the ${done.alreadyReleased.join(' and ')} side was already gone)` : '';
      return { key: lock.key, id: lock.id, outcome: 'released', sources: done.sources, message: `Released${partly}.`, auditId };
    } catch (e) {
      const error = toAppError(e, 'bulk unlock: one lock failed unexpectedly', { key: lock.key });
      const outcome = outcomeOf(error);
      const kept = outcome === 'changed' ? ' It was kept.' : outcome === 'failed' ? ' Not retried: look at this lock again.' : '';
      return { key: lock.key, id: lock.id, outcome, code: error.code, message: `${error.message}${kept}`, auditId };
    }
  });
  const counts: Record<BulkUnlockOutcome, number> = { released: 0, changed: 0, gone: 0, refused: 0, failed: 0 };
  for (const r of results) counts[r.outcome]++;
  return { bulkId, requested: locks.length, counts, partial: counts.released !== locks.length, results };
}
