import { restoreMarksQuerySchema } from '@/lib/api/versions';
import { handle, parseInput } from '@/lib/http/handle';
import { restoreMarks } from '@/lib/services/restore-marks';

export const dynamic = 'force-dynamic';

/** GET /api/backends/{id}/restore-marks?key=<key>&v=<versionId>&v=<versionId>… */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/restore-marks', request, () => {
    const search = new URL(request.url).searchParams;
    const query = parseInput(restoreMarksQuerySchema, { key: search.get('key') ?? undefined, versionIds: search.getAll('v') });
    return restoreMarks(id, query.key, query.versionIds);
  });
}
