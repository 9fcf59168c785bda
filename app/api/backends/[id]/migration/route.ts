import { handle } from '@/lib/http/handle';
import { migrationReport } from '@/lib/services/migration';

export const dynamic = 'force-dynamic';

/** GET /api/backends/{id}/migration: each state's lock mode, leftovers and what to do next. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/migration', request, () => migrationReport(id));
}
