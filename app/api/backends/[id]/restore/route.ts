import { restoreBodySchema } from '@/lib/api/restore';
import { mutationRoute } from '@/lib/http/mutation-route';
import { restoreVersion } from '@/lib/services/restore-version';

export const dynamic = 'force-dynamic';

export const POST = mutationRoute({
  route: '/api/backends/[id]/restore',
  action: 'restore',
  schema: restoreBodySchema,
  audit: (body) => ({ key: body.key, reason: body.reason, seen: { versionId: body.versionId, expectedCurrentVersionId: body.expectedCurrentVersionId, allowLineageChange: body.allowLineageChange ?? false } }),
  run: async (body, ctx) => ({
    ...(await restoreVersion(ctx.backend, { key: body.key, versionId: body.versionId, expectedCurrentVersionId: body.expectedCurrentVersionId, allowLineageChange: body.allowLineageChange }, ctx)),
    auditId: ctx.auditId,
  }),
});
