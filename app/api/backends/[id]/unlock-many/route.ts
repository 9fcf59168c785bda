import { BULK_UNLOCK_BODY_LIMIT, bulkUnlockBodySchema } from '@/lib/api/bulk-unlock';
import { bulkMutationRoute } from '@/lib/http/mutation-route';
import { bulkUnlock } from '@/lib/services/bulk-unlock';

export const dynamic = 'force-dynamic';

/**
 * POST /api/backends/{id}/unlock-many: operator on every lock's key (else 403, nothing released),
 * one audit record for the request (its id is the bulk id), then the single force-unlock per lock
 * under its own `force-unlock` record carrying `bulkId`. Answers 200 with every lock's outcome, also
 * when only some were released (`partial: true`).
 */
export const POST = bulkMutationRoute({
  route: '/api/backends/[id]/unlock-many',
  action: 'bulk-unlock',
  schema: bulkUnlockBodySchema,
  maxBodyBytes: BULK_UNLOCK_BODY_LIMIT,
  audit: (body) => ({ reason: body.reason, seen: { count: body.locks.length, locks: body.locks.map((l) => ({ key: l.key, id: l.id, source: l.source ?? null })) } }),
  items: (body) => body.locks,
  subject: (lock) => ({ key: lock.key, action: 'force-unlock', seen: { id: lock.id, source: lock.source ?? null, ...lock.seen } }),
  run: (body, locks, ctx) => bulkUnlock(ctx.backend, locks, ctx),
});
