import { postureQuerySchema } from '@/lib/api/posture';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { getRecoveryPosture } from '@/lib/services/recovery-posture';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/posture', request, () => {
    const { history } = parseInput(postureQuerySchema, queryOf(request));
    // Its version-history read runs as background work (lib/services/recovery-posture.ts); the bucket settings are live.
    return getRecoveryPosture(id, { history: history === '1' });
  });
}
