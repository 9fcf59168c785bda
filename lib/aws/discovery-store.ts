import 'server-only';
/**
 * The decisions store: one small JSON object per decided proposal (`<prefix>decisions/<backend
 * id>.json`) in the decisions bucket, reached with Lockboard's own credentials (discovery's record
 * home, lib/server/backends.ts). A first decision is written with `If-None-Match: *`, a change with
 * `If-Match` on the ETag the operator saw, so two operators (or replicas) never overwrite each other
 * unknowingly. Only lists, gets and conditional puts: nothing is deleted.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { BackendConfig } from '../server/config';
import { s3Client } from './clients';
import { isConditionFailed, isNotFound, toAwsError } from './errors';
import { unquoteEtag } from './state-bucket';

/** A decision is a few hundred bytes; anything bigger is not Lockboard's and is not read. */
export const MAX_DECISION_BYTES = 16 * 1024;
/** 10 pages of 1,000: the decisions of 10,000 proposals. */
const MAX_LIST_PAGES = 10;

export interface StoredObjectRef {
  key: string;
  etag: string;
  size: number;
}

function target(home: BackendConfig, key: string) {
  return { backend: home.id, service: 'S3' as const, resource: `s3://${home.bucket}/${key}` };
}

/** Every decision object under the prefix (key, ETag, size): what changed since the last listing is what gets read. */
export async function listDecisionObjects(home: BackendConfig, prefix: string): Promise<{ refs: StoredObjectRef[]; complete: boolean }> {
  const refs: StoredObjectRef[] = [];
  let token: string | undefined;
  try {
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const out = await s3Client(home).send(new ListObjectsV2Command({ Bucket: home.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of out.Contents ?? []) if (o.Key !== undefined) refs.push({ key: o.Key, etag: unquoteEtag(o.ETag), size: o.Size ?? 0 });
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
      if (!token) return { refs, complete: true };
    }
    return { refs, complete: false };
  } catch (e) {
    throw toAwsError(e, target(home, prefix));
  }
}

/** One decision's text and ETag, or null when it is gone or too big to be one. */
export async function readDecisionObject(home: BackendConfig, key: string): Promise<{ body: string; etag: string } | null> {
  try {
    const out = await s3Client(home).send(new GetObjectCommand({ Bucket: home.bucket, Key: key }));
    if ((out.ContentLength ?? 0) > MAX_DECISION_BYTES) {
      out.Body?.transformToWebStream().cancel().catch(() => undefined);
      return null;
    }
    return { body: out.Body ? await out.Body.transformToString('utf-8') : '', etag: unquoteEtag(out.ETag) };
  } catch (e) {
    if (isNotFound(e)) return null;
    throw toAwsError(e, target(home, key));
  }
}

/**
 * Writes a decision: a new one only if none exists (`{ create: true }`), a change only if the
 * object is still the version seen. `{ written: false }` when it is not (someone decided meanwhile).
 */
export async function writeDecisionObject(home: BackendConfig, key: string, body: string, condition: { create: true } | { ifMatch: string }): Promise<{ written: true; etag: string } | { written: false }> {
  try {
    const out = await s3Client(home).send(
      new PutObjectCommand({ Bucket: home.bucket, Key: key, Body: body, ContentType: 'application/json', ...('create' in condition ? { IfNoneMatch: '*' } : { IfMatch: `"${condition.ifMatch}"` }) }),
    );
    return { written: true, etag: unquoteEtag(out.ETag) };
  } catch (e) {
    // 412: it exists, or changed since read; 409 ConditionalRequestConflict: a concurrent write; 404: gone (If-Match).
    if (isConditionFailed(e) || isNotFound(e) || (e as { name?: string }).name === 'ConditionalRequestConflict') return { written: false };
    throw toAwsError(e, target(home, key));
  }
}
