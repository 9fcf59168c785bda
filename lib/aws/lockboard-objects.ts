import 'server-only';
/**
 * Lockboard's own small JSON objects in S3 (audit records, alert claims, freeze markers): a write with
 * an optional condition, and a read with a size bound checked before the body is downloaded. These
 * objects live where others can write, so a read never trusts their size: an object over the bound
 * is answered `too_large` with its body left unread (the connection is dropped), and a body without
 * a length is read only up to the bound.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { BackendConfig } from '../server/config';
import { s3Client } from './clients';
import { isConditionFailed, isNotFound, toAwsError } from './errors';
import { unquoteEtag } from './state-bucket';

export type CappedRead = { status: 'ok'; text: string; etag: string; bytes: number } | { status: 'missing' } | { status: 'too_large'; bytes: number | null; etag: string };

export type PutCondition = { ifNoneMatch: true } | { ifMatch: string };

/** Drops a body unread (Node's stream: destroying it closes the connection). */
function drop(body: unknown): void {
  const node = body as Partial<Readable> | undefined;
  if (node && typeof node.destroy === 'function') node.destroy();
}

/** Reads at most `maxBytes` of a body (null when it has more). */
async function readUpTo(body: { transformToWebStream: () => ReadableStream<Uint8Array> }, maxBytes: number): Promise<Uint8Array | null> {
  const reader = body.transformToWebStream().getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}

/** One object's text if it is at most `maxBytes`; `too_large` (unread) when bigger; `missing` when absent. */
export async function getCappedObject(backend: BackendConfig, bucket: string, key: string, maxBytes: number, timeoutMs?: number): Promise<CappedRead> {
  try {
    const out = await s3Client(backend).send(new GetObjectCommand({ Bucket: bucket, Key: key }), timeoutMs ? { abortSignal: AbortSignal.timeout(timeoutMs) } : {});
    const etag = unquoteEtag(out.ETag);
    if (!out.Body) return { status: 'ok', text: '', etag, bytes: 0 };
    if (out.ContentLength !== undefined && out.ContentLength > maxBytes) {
      drop(out.Body);
      return { status: 'too_large', bytes: out.ContentLength, etag };
    }
    const bytes = await readUpTo(out.Body, maxBytes);
    if (bytes === null) return { status: 'too_large', bytes: null, etag };
    return { status: 'ok', text: new TextDecoder().decode(bytes), etag, bytes: bytes.byteLength };
  } catch (e) {
    if (isNotFound(e)) return { status: 'missing' };
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${bucket}/${key}` });
  }
}

/**
 * Writes one JSON object, optionally conditional (`If-None-Match: *` or `If-Match: <etag>`).
 * `{ written: false }` when the condition failed (or a concurrent conditional write won, 409).
 */
export async function putJsonObject(backend: BackendConfig, bucket: string, key: string, json: string, condition?: PutCondition, timeoutMs?: number): Promise<{ written: true; etag: string } | { written: false }> {
  try {
    const out = await s3Client(backend).send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: json,
        ContentType: 'application/json',
        ...(condition === undefined ? {} : 'ifNoneMatch' in condition ? { IfNoneMatch: '*' } : { IfMatch: `"${condition.ifMatch}"` }),
      }),
      timeoutMs ? { abortSignal: AbortSignal.timeout(timeoutMs) } : {},
    );
    return { written: true, etag: unquoteEtag(out.ETag) };
  } catch (e) {
    if (condition !== undefined && (isConditionFailed(e) || (e as { name?: string }).name === 'ConditionalRequestConflict' || ('ifMatch' in condition && isNotFound(e)))) return { written: false };
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${bucket}/${key}` });
  }
}
