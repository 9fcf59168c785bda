import { migrationCleanupBodySchema } from '@/lib/api/triage';
import { handle } from '@/lib/http/handle';
import { cleanUpLeftovers } from '@/lib/services/migration';
import { guardedMutation, readMutationBody } from '@/lib/services/mutation-guard';

export const dynamic = 'force-dynamic';

/** POST /api/backends/{id}/migration/cleanup: `{reason, items}`; one audit record, each item conditional. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/migration/cleanup', request, async () => {
    const body = await readMutationBody(request, migrationCleanupBodySchema, { backendId: id, action: 'migration-cleanup' });
    const key = body.items.length === 1 ? body.items[0]!.key : '';
    return guardedMutation(request, { backendId: id, action: 'migration-cleanup', key, reason: body.reason, seen: { items: body.items } }, ({ backend, auditId, note }) =>
      cleanUpLeftovers(backend, body, { auditId, note }),
    );
  });
}
