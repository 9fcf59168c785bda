import { locksListingQuerySchema } from '@/lib/api/listing';
import { backendRoute, parseInput, queryOf } from '@/lib/http/handle';
import { answerLocks } from '@/lib/services/listing-feed';
import { listLocks } from '@/lib/services/list-locks';

export const dynamic = 'force-dynamic';

/** GET /api/backends/{id}/locks[?since=<token> | ?limit=<n>&cursor=&q=&stale=&problem=&sort=] */
export const GET = backendRoute('/api/backends/[id]/locks', async (backend, request) => {
  const query = parseInput(locksListingQuerySchema, queryOf(request));
  return answerLocks(backend, await listLocks(backend), query);
});
