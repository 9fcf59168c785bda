import { freezeBodySchema } from '@/lib/api/triage';
import { handle } from '@/lib/http/handle';
import { freezeStates } from '@/lib/services/freeze';
import { guardedMutation, readMutationBody } from '@/lib/services/mutation-guard';

export const dynamic = 'force-dynamic';

/** POST /api/backends/{id}/freeze: `{key | prefix, reason, reviewBy?}`; one audit record per freeze. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/freeze', request, async () => {
    const body = await readMutationBody(request, freezeBodySchema, { backendId: id, action: 'freeze' });
    const seen = { key: body.key ?? null, prefix: body.prefix ?? null, reviewBy: body.reviewBy ?? null };
    return guardedMutation(request, { backendId: id, action: 'freeze', key: body.key ?? body.prefix ?? '', reason: body.reason, seen }, ({ backend, user, auditId, note }) =>
      freezeStates(backend, body, { user, auditId, note }),
    );
  });
}
