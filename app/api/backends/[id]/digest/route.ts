import { repairDigestBodySchema } from '@/lib/api/digest';
import { mutationRoute } from '@/lib/http/mutation-route';
import { repairDigest } from '@/lib/services/repair-digest';

export const dynamic = 'force-dynamic';

export const POST = mutationRoute({
  route: '/api/backends/[id]/digest',
  action: 'repair-digest',
  schema: repairDigestBodySchema,
  audit: (body) => ({ key: body.key, reason: body.reason, seen: { digest: body.expected } }),
  run: async (body, ctx) => ({ ...(await repairDigest(ctx.backend, { key: body.key, expected: body.expected }, ctx)), auditId: ctx.auditId }),
});
