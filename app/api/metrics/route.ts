import { metricsTokenOk } from '@/lib/auth/boundary';
import { requestViewScope, VIEW_EVERYTHING } from '@/lib/auth/view-scope';
import { handle } from '@/lib/http/handle';
import { getConfig } from '@/lib/server/config';
import { metricsText } from '@/lib/server/metrics';
import { metricsForBackends } from '@/lib/server/metrics-scope';

export const dynamic = 'force-dynamic';

/** Prometheus metrics: every series for the scraper's token, else the series of the backends the caller may view. */
export async function GET(request: Request) {
  return handle('/api/metrics', request, async () => {
    const config = getConfig();
    const scope = metricsTokenOk(request, config.metricsToken) ? VIEW_EVERYTHING : requestViewScope(request, config);
    const { contentType, body } = await metricsText();
    return new Response(scope.all ? body : metricsForBackends(body, scope.canView), { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
  });
}
