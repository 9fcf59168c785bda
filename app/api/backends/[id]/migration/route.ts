import { backendRoute } from '@/lib/http/handle';
import { withCallOrigin } from '@/lib/server/call-origin';
import { migrationReport } from '@/lib/services/migration';

export const dynamic = 'force-dynamic';

/** GET /api/backends/{id}/migration: each state's lock mode, leftovers and what to do next. */
// The `.tflock` histories yield to live reads (lib/server/read-budget.ts); the backend read itself is the watcher's.
export const GET = backendRoute('/api/backends/[id]/migration', (backend) => withCallOrigin('background', () => migrationReport(backend)));
