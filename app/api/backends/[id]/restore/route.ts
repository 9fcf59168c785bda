import { handle } from '@/lib/http/handle';
import { guardedMutation, readMutationBody } from '@/lib/services/mutation-guard';
import { restoreVersion } from '@/lib/services/restore-version';
import { restoreBodySchema } from './schema';

export const dynamic = 'force-dynamic';

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/restore', request, async () => {
    const body = await readMutationBody(request, restoreBodySchema, { backendId: id, action: 'restore' });
    const seen = { versionId: body.versionId, expectedCurrentVersionId: body.expectedCurrentVersionId, allowLineageChange: body.allowLineageChange ?? false };
    return guardedMutation(request, { backendId: id, action: 'restore', key: body.key, reason: body.reason, seen }, ({ backend, user, auditId, note }) =>
      restoreVersion(backend, { key: body.key, versionId: body.versionId, expectedCurrentVersionId: body.expectedCurrentVersionId, allowLineageChange: body.allowLineageChange }, { user, auditId, note }),
    );
  });
}
