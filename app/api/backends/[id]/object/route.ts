import { objectQuerySchema } from '@/lib/api/versions';
import { identify } from '@/lib/auth/identity';
import { backendRoute, parseInput, queryOf } from '@/lib/http/handle';
import { heavyReaderOf } from '@/lib/http/heavy-reader';
import { auditedDownload } from '@/lib/services/download-version';
import { getConfig } from '@/lib/server/config';
import { acquireHeavyRead, releasingStream } from '@/lib/server/heavy-reads';

export const dynamic = 'force-dynamic';

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export const GET = backendRoute('/api/backends/[id]/object', async (backend, request) => {
  const query = parseInput(objectQuerySchema, queryOf(request));
  const identity = identify(request, getConfig());
  // The slot is held until the stream ends, the client goes away or stops reading (released on any failure before).
  const release = await acquireHeavyRead(heavyReaderOf(request));
  let download: Awaited<ReturnType<typeof auditedDownload>>;
  try {
    download = await auditedDownload(identity, backend, query.key, query.versionId);
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
