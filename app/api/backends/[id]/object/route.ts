import { z } from 'zod';
import { handle, parseInput, queryOf } from '@/lib/http/handle';
import { acquireHeavyRead, releasingStream } from '@/lib/server/heavy-reads';
import { downloadVersion } from '@/lib/services/download-version';
import { stateKeySchema, versionIdSchema } from '../versions/schema';

export const dynamic = 'force-dynamic';

const querySchema = z.object({ key: stateKeySchema, versionId: versionIdSchema.optional() });

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handle('/api/backends/[id]/object', request, async () => {
    const query = parseInput(querySchema, queryOf(request));
    // The slot is held until the stream ends or the client goes away (released on any failure before).
    const release = acquireHeavyRead();
    let download: Awaited<ReturnType<typeof downloadVersion>>;
    try {
      download = await downloadVersion(id, query.key, query.versionId);
    } catch (e) {
      release();
      throw e;
    }
    const headers: Record<string, string> = {
      'content-type': download.contentType,
      'content-disposition': contentDisposition(download.filename),
      // The raw state includes secrets: never let a shared cache keep it.
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    };
    if (download.contentLength !== null) headers['content-length'] = String(download.contentLength);
    if (download.versionId) headers['x-amz-version-id'] = download.versionId;
    if (download.etag) headers.etag = `"${download.etag}"`;
    return new Response(releasingStream(download.stream, release), { status: 200, headers });
  });
}
