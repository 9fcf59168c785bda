import { handle } from '@/lib/http/handle';
import { forceUnlock } from '@/lib/services/force-unlock';
import { guardedMutation, readMutationBody } from '@/lib/services/mutation-guard';
import { unlockBodySchema } from './schema';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/unlock', request, async () => {
    const body = await readMutationBody(request, unlockBodySchema, { backendId: id, action: 'force-unlock' });
    const seen = { id: body.id, source: body.source ?? null, ...body.seen };
    return guardedMutation(request, { backendId: id, action: 'force-unlock', key: body.key, reason: body.reason, seen }, ({ backend, note }) =>
      forceUnlock(backend, { key: body.key, id: body.id, source: body.source, seen: body.seen }, { note }),
    );
  });
}
