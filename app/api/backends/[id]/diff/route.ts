import { z } from 'zod';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { withHeavyRead } from '@/lib/server/heavy-reads';
import { diffVersions, MAX_DIFF_LIMIT } from '@/lib/services/diff-versions';
import { stateKeySchema, versionIdSchema } from '../versions/schema';

export const dynamic = 'force-dynamic';

const querySchema = z.object({
  key: stateKeySchema,
  from: versionIdSchema.optional(),
  to: versionIdSchema.optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_DIFF_LIMIT).optional(),
});

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/diff', request, () => {
    const query = parseInput(querySchema, queryOf(request));
    return withHeavyRead(() => diffVersions(id, query.key, query));
  });
}
