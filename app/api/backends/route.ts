import { identify, isAllowed } from '@/lib/auth/identity';
import { listBackends, publicBackend } from '@/lib/server/backends';
import { getConfig } from '@/lib/server/config';
import { handle } from '@/lib/http/handle';
import { backendMode } from '@/lib/services/backend-events';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return handle('/api/backends', request, async () => {
    const config = getConfig();
    const identity = identify(request, config);
    // Only the backends the caller may view (proxy.ts refuses reads of the others with 403), each with
    // how this replica keeps it fresh: events, polling, or fallen back to polling and why.
    return { backends: listBackends().filter((b) => isAllowed(identity, 'viewer', b.id, null, config)).map((b) => ({ ...publicBackend(b), mode: backendMode(b) })) };
  });
}
