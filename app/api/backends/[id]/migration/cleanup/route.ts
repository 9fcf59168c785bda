import { MIGRATION_CLEANUP_BODY_LIMIT, migrationCleanupBodySchema } from '@/lib/api/migration';
import { bulkMutationRoute } from '@/lib/http/mutation-route';
import { cleanUpLeftovers, leftoverSubject } from '@/lib/services/migration-cleanup';

export const dynamic = 'force-dynamic';

/**
 * POST /api/backends/{id}/migration/cleanup: `{reason, items}`; operator on every item's key (else
 * 403, nothing removed); a digest deletion under its own `migration-cleanup` record, a `.tflock`
 * through the force-unlock under its own `force-unlock` record, each conditional.
 */
export const POST = bulkMutationRoute({
  route: '/api/backends/[id]/migration/cleanup',
  action: 'migration-cleanup',
  schema: migrationCleanupBodySchema,
  maxBodyBytes: MIGRATION_CLEANUP_BODY_LIMIT,
  audit: (body) => ({ reason: body.reason, seen: { count: body.items.length } }),
  items: (body) => body.items,
  subject: leftoverSubject,
  run: (body, items, ctx) => cleanUpLeftovers(ctx.backend, items, ctx),
});
