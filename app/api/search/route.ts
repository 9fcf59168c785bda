import { searchQuerySchema } from '@/lib/api/inventory';
import { requestViewScope } from '@/lib/auth/view-scope';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { getConfig } from '@/lib/server/config';
import { searchStates } from '@/lib/services/inventory';

export const dynamic = 'force-dynamic';

/** Hits in the backends the caller may view only. */
export async function GET(request: Request) {
  return handle('/api/search', request, async () => {
    const { q } = parseInput(searchQuerySchema, queryOf(request));
    return searchStates(q, requestViewScope(request, getConfig()).canView);
  });
}
