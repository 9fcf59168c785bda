import { UNLOCK_BODY_LIMIT, unlockBodySchema } from '@/lib/api/unlock';
import { mutationRoute } from '@/lib/http/mutation-route';
import { forceUnlock } from '@/lib/services/force-unlock';

export const dynamic = 'force-dynamic';

export const POST = mutationRoute({
  route: '/api/backends/[id]/unlock',
  action: 'force-unlock',
  schema: unlockBodySchema,
  maxBodyBytes: UNLOCK_BODY_LIMIT,
  audit: (body) => ({ key: body.key, reason: body.reason, seen: { id: body.id, source: body.source ?? null, ...body.seen } }),
  // The answer names its audit record, so the page can link to it.
  run: async (body, ctx) => ({ ...(await forceUnlock(ctx.backend, { key: body.key, id: body.id, source: body.source, seen: body.seen }, ctx)), auditId: ctx.auditId }),
});
