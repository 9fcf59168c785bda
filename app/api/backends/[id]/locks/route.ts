import { backendRoute } from '@/lib/http/handle';
import { listLocks } from '@/lib/services/list-locks';

export const dynamic = 'force-dynamic';

export const GET = backendRoute('/api/backends/[id]/locks', (backend) => listLocks(backend));
