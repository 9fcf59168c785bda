import { diffQuerySchema } from '@/lib/api/diff';
import { backendRoute, parseInput, queryOf } from '@/lib/http/handle';
import { heavyReaderOf } from '@/lib/http/heavy-reader';
import { diffVersions } from '@/lib/services/diff-versions';

export const dynamic = 'force-dynamic';

export const GET = backendRoute('/api/backends/[id]/diff', (backend, request) => {
  const query = parseInput(diffQuerySchema, queryOf(request));
  return diffVersions(backend, query.key, query, heavyReaderOf(request));
});
