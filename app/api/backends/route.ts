import { publicBackend } from '@/lib/server/backends';
import { getConfig } from '@/lib/server/config';
import { handle } from '@/lib/http/handle';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return handle('/api/backends', request, async () => ({ backends: getConfig().backends.map(publicBackend) }));
}
