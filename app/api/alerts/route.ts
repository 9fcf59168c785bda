import { handle } from '@/lib/http/handle';
import { alertsOverview } from '@/lib/jobs/alerting/alerting';

export const dynamic = 'force-dynamic';

/** Recent events, delivery attempts and per-channel status of this replica. */
export async function GET(request: Request) {
  return handle('/api/alerts', request, async () => alertsOverview());
}
