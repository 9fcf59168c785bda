import { freezeBodySchema } from '@/lib/api/triage';
import { mutationRoute } from '@/lib/http/mutation-route';
import { freezeStates } from '@/lib/services/freeze';

export const dynamic = 'force-dynamic';

/** POST /api/backends/{id}/freeze: `{key | prefix, reason, reviewBy?}`; one audit record per freeze. */
export const POST = mutationRoute({
  route: '/api/backends/[id]/freeze',
  action: 'freeze',
  schema: freezeBodySchema,
  audit: (body) => ({ key: body.key ?? body.prefix ?? '', reason: body.reason, seen: { key: body.key ?? null, prefix: body.prefix ?? null, reviewBy: body.reviewBy ?? null } }),
  run: (body, ctx) => freezeStates(ctx.backend, body, ctx),
});
