import { z } from 'zod';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { getVersionMetadata } from '@/lib/services/version-metadata';
import { stateKeySchema, versionIdSchema } from '../versions/schema';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ key: stateKeySchema, versionId: versionIdSchema });

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/version-metadata', request, () => {
    const query = parseInput(querySchema, queryOf(request));
    return getVersionMetadata(id, query.key, query.versionId);
  });
}
