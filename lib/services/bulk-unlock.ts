import 'server-only';
/**
 * Bulk force-unlock (issue 15): many locks, one decision, one reason, one typed confirmation. Each lock
 * goes through exactly the single unlock (`forceUnlock`: fresh read, "still the lock seen", conditional
 * deletes) under its own `force-unlock` audit record, which carries the bulk action's id. Locks run at
 * most BULK_UNLOCK_CONCURRENCY at a time; nothing is retried: a lock that changed, vanished or failed
 * is reported as such and left for the operator to look at again.
 *
 * Who may release which lock is decided before this runs (every key, by the route); this module
 * decides only the fan-out and how each answer reads.
 */
import type { AppError } from '../api/errors';
import { BULK_UNLOCK_CONCURRENCY, type BulkLock, type BulkUnlockItemResult, type BulkUnlockOutcome, type BulkUnlockResponse } from '../api/bulk-unlock';
import { mapLimit } from '../server/concurrency';
import type { BackendConfig } from '../server/config';
import { forceUnlock } from './force-unlock';
import { runItem, type ItemSteps } from './item-steps';

const REFUSED = new Set(['bad_request', 'unauthorized', 'forbidden', 'unsupported_media_type', 'backend_not_found', 'audit_unavailable', 'config_invalid']);

/** How a failed single unlock reads in the bulk result. */
export function outcomeOf(error: AppError): BulkUnlockOutcome {
  if (error.code === 'lock_changed') return 'changed';
  if (error.code === 'lock_not_found') return 'gone';
  return REFUSED.has(error.code) ? 'refused' : 'failed';
}

function failedResult(lock: BulkLock, error: AppError): BulkUnlockItemResult {
  const outcome = outcomeOf(error);
  const kept = outcome === 'changed' ? ' It was kept.' : outcome === 'failed' ? ' Not retried: look at this lock again.' : '';
  return { key: lock.key, id: lock.id, outcome, code: error.code, message: `${error.message}${kept}` };
}

export async function bulkUnlock(backend: BackendConfig, locks: readonly BulkLock[], steps: ItemSteps<BulkLock>, concurrency = BULK_UNLOCK_CONCURRENCY): Promise<BulkUnlockResponse> {
  const results = await mapLimit(locks, concurrency, (lock) =>
    runItem(
      steps,
      lock,
      async (step): Promise<BulkUnlockItemResult> => {
        const done = await forceUnlock(backend, lock, step);
        const partly = done.alreadyReleased.length > 0 ? ` (the ${done.alreadyReleased.join(' and ')} side was already gone)` : '';
        return { key: lock.key, id: lock.id, outcome: 'released', sources: done.sources, message: `Released${partly}.` };
      },
      { failure: () => null, onError: (error) => failedResult(lock, error) },
    ),
  );
  const counts: Record<BulkUnlockOutcome, number> = { released: 0, changed: 0, gone: 0, refused: 0, failed: 0 };
  for (const r of results) counts[r.outcome]++;
  const response = { bulkId: steps.auditId, requested: locks.length, counts, partial: counts.released !== locks.length, results };
  steps.note({ counts, partial: response.partial, results: results.map((r) => ({ key: r.key, id: r.id, outcome: r.outcome, auditId: r.auditId })) });
  return response;
}
