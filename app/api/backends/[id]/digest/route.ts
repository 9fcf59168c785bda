import { handle } from '@/lib/http/handle';
import { guardedMutation, readMutationBody } from '@/lib/services/mutation-guard';
import { repairDigest } from '@/lib/services/repair-digest';
import { repairDigestBodySchema } from './schema';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/digest', request, async () => {
    const body = await readMutationBody(request, repairDigestBodySchema, { backendId: id, action: 'repair-digest' });
    return guardedMutation(request, { backendId: id, action: 'repair-digest', key: body.key, reason: body.reason, seen: { digest: body.expected } }, ({ backend, note }) =>
      repairDigest(backend, { key: body.key, expected: body.expected }, { note }),
    );
  });
}
