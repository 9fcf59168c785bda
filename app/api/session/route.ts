import { handle } from '@/lib/http';
import { sessionOf } from '@/lib/services/session';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  return handle('/api/session', request, async () => sessionOf(request));
}
