import { auditQuerySchema } from '@/lib/api/audit';
import { listAudit } from '@/lib/audit/audit-listing';
import { requestViewScope } from '@/lib/auth/view-scope';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { getConfig } from '@/lib/server/config';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  return handle('/api/audit', request, async () => {
    // An empty filter field in the page's form means "any".
    const present = Object.fromEntries(Object.entries(queryOf(request)).filter(([, v]) => v !== ''));
    const query = parseInput(auditQuerySchema, present);
    // Without `backend=`, the records of the backends the caller may view (proxy.ts checks `backend=`).
    return listAudit(query, requestViewScope(request, getConfig()).canView);
  });
}
