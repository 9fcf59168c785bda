import { handle } from '@/lib/http/handle';
import { listStates } from '@/lib/services/list-states';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/states', request, () => listStates(id));
}
