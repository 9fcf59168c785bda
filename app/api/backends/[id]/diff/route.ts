import { diffQuerySchema } from '@/lib/api/diff';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { diffVersions } from '@/lib/services/diff-versions';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/diff', request, () => {
    const query = parseInput(diffQuerySchema, queryOf(request));
    return diffVersions(id, query.key, query);
  });
}
