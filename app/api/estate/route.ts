import { estateQuerySchema } from '@/lib/api/estate';
import { identify } from '@/lib/auth/identity';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { getConfig } from '@/lib/server/config';
import { getEstate } from '@/lib/services/discovery-estate';

export const dynamic = 'force-dynamic';

/** Accounts → backends → locks, digests and posture, rolled up; discovery's progress and problems. */
export async function GET(request: Request) {
  return handle('/api/estate', request, async () => {
    // An empty filter field of the page's form means "any".
    const present = Object.fromEntries(Object.entries(queryOf(request)).filter(([, v]) => v !== ''));
    const query = parseInput(estateQuerySchema, present);
    return getEstate(identify(request, getConfig()), query);
  });
}
