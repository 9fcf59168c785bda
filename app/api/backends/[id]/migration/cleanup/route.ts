import { migrationCleanupBodySchema } from '@/lib/api/triage';
import { mutationRoute } from '@/lib/http/mutation-route';
import { cleanUpLeftovers } from '@/lib/services/migration';

export const dynamic = 'force-dynamic';

/** POST /api/backends/{id}/migration/cleanup: `{reason, items}`; one audit record, each item conditional. */
export const POST = mutationRoute({
  route: '/api/backends/[id]/migration/cleanup',
  action: 'migration-cleanup',
  schema: migrationCleanupBodySchema,
  maxBodyBytes: 256 * 1024,
  audit: (body) => ({ key: body.items.length === 1 ? body.items[0]!.key : '', reason: body.reason, seen: { items: body.items } }),
  run: (body, ctx) => cleanUpLeftovers(ctx.backend, body, ctx),
});
