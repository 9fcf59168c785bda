import { unfreezeBodySchema } from '@/lib/api/triage';
import { mutationRoute } from '@/lib/http/mutation-route';
import { unfreezeStates } from '@/lib/services/freeze';

export const dynamic = 'force-dynamic';

/** POST /api/backends/{id}/unfreeze: `{locks: [{key, id}], reason}`; releases only those freezes. */
export const POST = mutationRoute({
  route: '/api/backends/[id]/unfreeze',
  action: 'unfreeze',
  schema: unfreezeBodySchema,
  maxBodyBytes: 256 * 1024,
  audit: (body) => ({ key: body.locks.length === 1 ? body.locks[0]!.key : '', reason: body.reason, seen: { locks: body.locks } }),
  run: (body, ctx) => unfreezeStates(ctx.backend, body, ctx),
});
