import { versionMetadataQuerySchema } from '@/lib/api/versions';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { getVersionMetadata } from '@/lib/services/version-metadata';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/version-metadata', request, () => {
    const query = parseInput(versionMetadataQuerySchema, queryOf(request));
    return getVersionMetadata(id, query.key, query.versionId);
  });
}
