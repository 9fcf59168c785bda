import { alertsOverviewFor } from '@/lib/auth/alerts-scope';
import { requestViewScope } from '@/lib/auth/view-scope';
import { handle } from '@/lib/http/handle';
import { listBackends } from '@/lib/server/backends';
import { getConfig } from '@/lib/server/config';
import { alertsOverview } from '@/lib/jobs/alerting/alerting';

export const dynamic = 'force-dynamic';

/** Recent events, delivery attempts and per-channel status of this replica, for the backends the caller may view. */
export async function GET(request: Request) {
  return handle('/api/alerts', request, async () => {
    const config = getConfig();
    return alertsOverviewFor(alertsOverview(), requestViewScope(request, config), config.channels, listBackends().map((b) => b.id));
  });
}
