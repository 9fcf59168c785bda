import { UNFREEZE_BODY_LIMIT, unfreezeBodySchema } from '@/lib/api/freeze';
import { bulkMutationRoute } from '@/lib/http/mutation-route';
import { unfreezeStates } from '@/lib/services/freeze';

export const dynamic = 'force-dynamic';

/**
 * POST /api/backends/{id}/unfreeze: `{locks: [{key, id}], reason}`; operator on every key (else 403,
 * nothing released); releases only those freezes, each under its own `unfreeze` record.
 */
export const POST = bulkMutationRoute({
  route: '/api/backends/[id]/unfreeze',
  action: 'unfreeze',
  schema: unfreezeBodySchema,
  maxBodyBytes: UNFREEZE_BODY_LIMIT,
  audit: (body) => ({ reason: body.reason, seen: { count: body.locks.length } }),
  items: (body) => body.locks,
  subject: (lock) => ({ key: lock.key, action: 'unfreeze', seen: { id: lock.id } }),
  run: (body, locks, ctx) => unfreezeStates(ctx.backend, locks, ctx),
});
