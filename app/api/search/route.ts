import { searchQuerySchema } from '@/lib/api/inventory';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { searchStates } from '@/lib/services/inventory';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  return handle('/api/search', request, async () => {
    const { q } = parseInput(searchQuerySchema, queryOf(request));
    return searchStates(q);
  });
}
