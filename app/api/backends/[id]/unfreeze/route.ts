import { unfreezeBodySchema } from '@/lib/api/triage';
import { handle } from '@/lib/http/handle';
import { unfreezeStates } from '@/lib/services/freeze';
import { guardedMutation, readMutationBody } from '@/lib/services/mutation-guard';

export const dynamic = 'force-dynamic';

/** POST /api/backends/{id}/unfreeze: `{locks: [{key, id}], reason}`; releases only those freezes. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/unfreeze', request, async () => {
    const body = await readMutationBody(request, unfreezeBodySchema, { backendId: id, action: 'unfreeze' });
    const key = body.locks.length === 1 ? body.locks[0]!.key : '';
    return guardedMutation(request, { backendId: id, action: 'unfreeze', key, reason: body.reason, seen: { locks: body.locks } }, ({ backend, user, auditId, note }) =>
      unfreezeStates(backend, body, { user, auditId, note }),
    );
  });
}
