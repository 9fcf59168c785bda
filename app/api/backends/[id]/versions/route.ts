import { versionsQuerySchema } from '@/lib/api/versions';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { listVersions } from '@/lib/services/list-versions';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/versions', request, () => {
    const query = parseInput(versionsQuerySchema, queryOf(request));
    return listVersions(id, query.key, { writers: query.writers === '1' || query.writers === 'true' });
  });
}
