import { restoreMarksQuerySchema } from '@/lib/api/versions';
import { assertSingleValued, backendRoute, parseInput } from '@/lib/http/handle';
import { restoreMarks } from '@/lib/services/restore-marks';

export const dynamic = 'force-dynamic';

/** GET /api/backends/{id}/restore-marks?key=<key>&v=<versionId>&v=<versionId>… */
export const GET = backendRoute('/api/backends/[id]/restore-marks', (backend, request) => {
  const search = new URL(request.url).searchParams;
  assertSingleValued(search, ['v']);
  const query = parseInput(restoreMarksQuerySchema, { key: search.get('key') ?? undefined, versionIds: search.getAll('v') });
  return restoreMarks(backend, query.key, query.versionIds);
});
