import { statesListingQuerySchema } from '@/lib/api/listing';
import { backendRoute, parseInput, queryOf } from '@/lib/http/handle';
import { answerStates } from '@/lib/services/listing-feed';
import { listStates } from '@/lib/services/list-states';

export const dynamic = 'force-dynamic';

/** GET /api/backends/{id}/states[?since=<token> | ?limit=<n>&cursor=&q=&status=&locked=&sort=] */
export const GET = backendRoute('/api/backends/[id]/states', async (backend, request) => {
  const query = parseInput(statesListingQuerySchema, queryOf(request));
  return answerStates(backend, await listStates(backend), query);
});
