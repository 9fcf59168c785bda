import { versionMetadataQuerySchema } from '@/lib/api/versions';
import { backendRoute, parseInput, queryOf } from '@/lib/http/handle';
import { heavyReaderOf } from '@/lib/http/heavy-reader';
import { getVersionMetadata } from '@/lib/services/version-metadata';

export const dynamic = 'force-dynamic';

export const GET = backendRoute('/api/backends/[id]/version-metadata', (backend, request) => {
  const query = parseInput(versionMetadataQuerySchema, queryOf(request));
  return getVersionMetadata(backend, query.key, query.versionId, heavyReaderOf(request));
});
