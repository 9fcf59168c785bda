import { backendRoute } from '@/lib/http/handle';
import { migrationReport } from '@/lib/services/migration';

export const dynamic = 'force-dynamic';

/** GET /api/backends/{id}/migration: each state's lock mode, leftovers and what to do next. */
export const GET = backendRoute('/api/backends/[id]/migration', (backend) => migrationReport(backend));
