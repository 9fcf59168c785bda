import { lastWritersQuerySchema } from '@/lib/api/last-writers';
import { assertSingleValued, backendRoute, parseInput } from '@/lib/http/handle';
import { withCallOrigin } from '@/lib/server/call-origin';
import { lastWriters } from '@/lib/services/last-writers';

export const dynamic = 'force-dynamic';

/** GET /api/backends/{id}/last-writers?k=<key>&k=<key>… */
export const GET = backendRoute('/api/backends/[id]/last-writers', (backend, request) => {
  const search = new URL(request.url).searchParams;
  assertSingleValued(search, ['k']);
  const query = parseInput(lastWritersQuerySchema, { keys: search.getAll('k') });
  // Version histories yield to the live reads of the backend (lib/server/read-budget.ts).
  return withCallOrigin('background', () => lastWriters(backend, query.keys));
});
