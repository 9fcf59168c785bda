import { publicBackend } from '@/lib/backends';
import { getConfig } from '@/lib/config';
import { handle } from '@/lib/http';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return handle('/api/backends', request, async () => ({ backends: getConfig().backends.map(publicBackend) }));
}
