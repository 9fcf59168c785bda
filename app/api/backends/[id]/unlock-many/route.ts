import { bulkUnlockBodySchema } from '@/lib/api/triage';
import { handle } from '@/lib/http/handle';
import { bulkUnlock } from '@/lib/services/bulk-unlock';
import { forceUnlock } from '@/lib/services/force-unlock';
import { guardedMutation, readMutationBody } from '@/lib/services/mutation-guard';

export const dynamic = 'force-dynamic';

/**
 * POST /api/backends/{id}/unlock-many: one audit record for the bulk action (its id is the bulk id),
 * then one guarded, audited single force-unlock per lock carrying `bulkId`. Answers 200 with every
 * lock's outcome, also when only some were released (`partial: true`).
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/unlock-many', request, async () => {
    const body = await readMutationBody(request, bulkUnlockBodySchema, { backendId: id, action: 'bulk-unlock' });
    const selection = body.locks.map((l) => ({ key: l.key, id: l.id, source: l.source ?? null }));
    return guardedMutation(request, { backendId: id, action: 'bulk-unlock', key: '', reason: body.reason, seen: { count: body.locks.length, locks: selection } }, async ({ auditId: bulkId, note }) => {
      const result = await bulkUnlock(body.locks, bulkId, (lock, onAudit) =>
        guardedMutation(request, { backendId: id, action: 'force-unlock', key: lock.key, reason: body.reason, seen: { id: lock.id, source: lock.source ?? null, ...lock.seen, bulkId } }, (ctx) => {
          onAudit(ctx.auditId);
          return forceUnlock(ctx.backend, lock, { note: ctx.note });
        }),
      );
      note({ counts: result.counts, partial: result.partial, results: result.results.map((r) => ({ key: r.key, id: r.id, outcome: r.outcome, auditId: r.auditId })) });
      return result;
    });
  });
}
