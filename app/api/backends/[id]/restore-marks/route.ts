import { z } from 'zod';
import { assertSingleValued, handle, parseInput } from '@/lib/http/handle';
import { MAX_MARKED_VERSIONS, restoreMarks } from '@/lib/services/restore-marks';
import { stateKeySchema, versionIdSchema } from '../versions/schema';

export const dynamic = 'force-dynamic';

const querySchema = z.object({
  key: stateKeySchema,
  versionIds: z.array(versionIdSchema).max(MAX_MARKED_VERSIONS, `at most ${MAX_MARKED_VERSIONS} versions per request`),
});

/** GET /api/backends/{id}/restore-marks?key=<key>&v=<versionId>&v=<versionId>… */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/restore-marks', request, () => {
    const search = new URL(request.url).searchParams;
    assertSingleValued(search, ['v']);
    const query = parseInput(querySchema, { key: search.get('key') ?? undefined, versionIds: search.getAll('v') });
    return restoreMarks(id, query.key, query.versionIds);
  });
}
