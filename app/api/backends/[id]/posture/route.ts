import { postureQuerySchema } from '@/lib/api/posture';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { withCallOrigin } from '@/lib/server/call-origin';
import { getRecoveryPosture } from '@/lib/services/recovery-posture';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/posture', request, () => {
    const { history } = parseInput(postureQuerySchema, queryOf(request));
    // The bucket's whole version history is background work: it yields to live reads.
    return withCallOrigin('background', () => getRecoveryPosture(id, { history: history === '1' }));
  });
}
