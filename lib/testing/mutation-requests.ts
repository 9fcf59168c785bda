/**
 * Test helpers for the mutation endpoints: build requests as the app's own page sends them (or as a
 * hostile page / a bypassed proxy would), call the real route handlers, and read the stores directly
 * through the SDK to check what really changed.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { AuditRecord } from '../audit/audit-record';
import { digestLockId, lockfileKey, lockPath } from '../terraform/paths';
import type { TerraformWriter } from '../../scripts/lib/terraform-writer';

export const APP_ORIGIN = 'http://lockboard.test';

type Handler = (request: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;

export interface CallOptions {
  headers?: Record<string, string>;
  /** Raw body text instead of JSON.stringify(body). */
  rawBody?: string;
}

/** A route's JSON answer, typed loosely for assertions. */
export interface ApiJson {
  error?: { code: string; message: string; current?: ({ id: string; who: string; sources: string[] } & Record<string, unknown>) | null; [detail: string]: unknown };
  [field: string]: unknown;
}

/** The headers a browser sends for a fetch() from Lockboard's own page. */
export const SAME_ORIGIN_HEADERS = { 'content-type': 'application/json', origin: APP_ORIGIN, 'sec-fetch-site': 'same-origin' };

/** POSTs to a `/api/backends/{id}/…` route handler and returns status and JSON body. */
export async function callMutation(handler: Handler, path: string, backendId: string, body: unknown, opts: CallOptions = {}): Promise<{ status: number; body: ApiJson }> {
  const request = new Request(`${APP_ORIGIN}/api/backends/${encodeURIComponent(backendId)}/${path}`, {
    method: 'POST',
    headers: { ...SAME_ORIGIN_HEADERS, ...opts.headers },
    body: opts.rawBody ?? JSON.stringify(body),
  });
  const response = await handler(request, { params: Promise.resolve({ id: backendId }) });
  return { status: response.status, body: (await response.json()) as ApiJson };
}

/** The raw `Info` of a lock item (undefined: no item; null: item without Info). */
export async function readLockItem(w: TerraformWriter, table: string, bucket: string, key: string): Promise<string | null | undefined> {
  const out = await w.ddb.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: lockPath(bucket, key) } }, ConsistentRead: true }));
  if (!out.Item) return undefined;
  return out.Item.Info?.S ?? null;
}

/** The `Digest` of a digest item (undefined: no item). */
export async function readDigestItem(w: TerraformWriter, table: string, bucket: string, key: string): Promise<string | null | undefined> {
  const out = await w.ddb.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: digestLockId(bucket, key) } }, ConsistentRead: true }));
  if (!out.Item) return undefined;
  return out.Item.Digest?.S ?? null;
}

/** A `.tflock` body, or null when there is none. */
export async function readLockfile(w: TerraformWriter, bucket: string, key: string): Promise<string | null> {
  try {
    const out = await w.s3.send(new GetObjectCommand({ Bucket: bucket, Key: lockfileKey(key) }));
    return (await out.Body?.transformToString('utf-8')) ?? '';
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey') return null;
    throw e;
  }
}

/** ETag (quotes stripped) and VersionId of an object, or null. */
export async function headObject(w: TerraformWriter, bucket: string, key: string): Promise<{ etag: string; versionId: string | null } | null> {
  try {
    const out = await w.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { etag: (out.ETag ?? '').replace(/"/g, ''), versionId: out.VersionId ?? null };
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw e;
  }
}

/** Every audit record object under a prefix, parsed (direct S3 read: independent of the app's reader). */
export async function readAuditObjects(w: TerraformWriter, bucket: string, prefix: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  let token: string | undefined;
  do {
    const page = await w.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const out = await w.s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
      records.push(JSON.parse((await out.Body?.transformToString('utf-8')) ?? '{}') as AuditRecord);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return records;
}
