import { backendRoute } from '@/lib/http/handle';
import { listStates } from '@/lib/services/list-states';

export const dynamic = 'force-dynamic';

export const GET = backendRoute('/api/backends/[id]/states', (backend) => listStates(backend));
