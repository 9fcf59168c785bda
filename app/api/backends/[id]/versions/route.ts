import { versionsQuerySchema } from '@/lib/api/versions';
import { backendRoute, parseInput, queryOf } from '@/lib/http/handle';
import { listVersions } from '@/lib/services/list-versions';

export const dynamic = 'force-dynamic';

export const GET = backendRoute('/api/backends/[id]/versions', (backend, request) => {
  const query = parseInput(versionsQuerySchema, queryOf(request));
  return listVersions(backend, query.key, { writers: query.writers === '1' || query.writers === 'true' });
});
