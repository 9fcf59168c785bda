import { handle } from '@/lib/http/handle';
import { getInventory } from '@/lib/services/inventory';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/inventory', request, async () => getInventory(id));
}
