import { BULK_UNLOCK_BODY_LIMIT, bulkUnlockBodySchema } from '@/lib/api/triage';
import { assertAllowed } from '@/lib/auth/identity';
import { audited, mutationRoute } from '@/lib/http/mutation-route';
import { bulkUnlock } from '@/lib/services/bulk-unlock';
import { forceUnlock } from '@/lib/services/force-unlock';
import { getConfig } from '@/lib/server/config';

export const dynamic = 'force-dynamic';

/**
 * POST /api/backends/{id}/unlock-many: one audit record for the bulk action (its id is the bulk id),
 * then one authorised, audited single force-unlock per lock carrying `bulkId`. Answers 200 with every
 * lock's outcome, also when only some were released (`partial: true`).
 */
export const POST = mutationRoute({
  route: '/api/backends/[id]/unlock-many',
  action: 'bulk-unlock',
  schema: bulkUnlockBodySchema,
  maxBodyBytes: BULK_UNLOCK_BODY_LIMIT,
  audit: (body) => ({ key: '', reason: body.reason, seen: { count: body.locks.length, locks: body.locks.map((l) => ({ key: l.key, id: l.id, source: l.source ?? null })) } }),
  run: async (body, ctx) => {
    const bulkId = ctx.auditId;
    const result = await bulkUnlock(body.locks, bulkId, (lock, onAudit) =>
      audited({ identity: ctx.identity, via: ctx.via, backend: ctx.backend, action: 'force-unlock', key: lock.key, reason: body.reason, seen: { id: lock.id, source: lock.source ?? null, ...lock.seen, bulkId } }, (step) => {
        onAudit(step.auditId);
        // Scoped access rules apply per lock: an operator of `prod/*` releases only those.
        assertAllowed(step.identity, 'operator', step.backend.id, lock.key, getConfig());
        return forceUnlock(step.backend, lock, step);
      }),
    );
    ctx.note({ counts: result.counts, partial: result.partial, results: result.results.map((r) => ({ key: r.key, id: r.id, outcome: r.outcome, auditId: r.auditId })) });
    return result;
  },
});
