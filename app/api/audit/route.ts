import { listAudit } from '@/lib/audit/audit-log';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { auditQuerySchema } from './schema';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  return handle('/api/audit', request, async () => {
    // An empty filter field in the page's form means "any".
    const present = Object.fromEntries(Object.entries(queryOf(request)).filter(([, v]) => v !== ''));
    const query = parseInput(auditQuerySchema, present);
    return listAudit(query);
  });
}
