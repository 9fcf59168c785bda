import { handle } from '@/lib/http/handle';
import { listLocks } from '@/lib/services/list-locks';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/locks', request, () => listLocks(id));
}
