import { handle } from '@/lib/http/handle';
import { sessionOf } from '@/lib/services/session';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  return handle('/api/session', request, async () => sessionOf(request));
}
