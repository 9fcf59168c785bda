import { freezeBodySchema } from '@/lib/api/freeze';
import { bulkMutationRoute } from '@/lib/http/mutation-route';
import { freezeStates, freezeTargets } from '@/lib/services/freeze';

export const dynamic = 'force-dynamic';

/**
 * POST /api/backends/{id}/freeze: `{key | prefix, reason, reviewBy?}`. A prefix is listed first and
 * the caller needs operator on every state under it (else 403, nothing frozen); each state is frozen
 * under its own `freeze` record.
 */
export const POST = bulkMutationRoute({
  route: '/api/backends/[id]/freeze',
  action: 'freeze',
  schema: freezeBodySchema,
  audit: (body) => ({ reason: body.reason, seen: { key: body.key ?? null, prefix: body.prefix ?? null, reviewBy: body.reviewBy ?? null } }),
  items: (body, backend) => freezeTargets(backend, body),
  subject: (key) => ({ key, action: 'freeze', seen: {} }),
  run: (body, keys, ctx) => freezeStates(ctx.backend, body, keys, ctx),
});
