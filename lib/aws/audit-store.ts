import 'server-only';
/**
 * The audit store: one small JSON object per mutation attempt in S3 (the backend's own bucket, or a
 * dedicated audit bucket), reached with the backend's S3 client. Only puts, lists and gets: audit
 * objects are never deleted.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { BackendConfig } from '../server/config';
import { s3Client } from './clients';
import { isConditionFailed, isNotFound, toAwsError } from './errors';
import { unquoteEtag } from './state-bucket';

export interface AuditObjectRef {
  key: string;
  etag: string;
}

/** Writes (or overwrites) one audit object. Failures are typed AppErrors naming bucket and key. */
export async function putAuditObject(backend: BackendConfig, bucket: string, key: string, json: string): Promise<void> {
  try {
    await s3Client(backend).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: json, ContentType: 'application/json' }));
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${bucket}/${key}` });
  }
}

/**
 * Overwrites one audit object only if it is still the version read (its ETag): false when another
 * writer (another replica completing the same record) got there first, or it is gone.
 */
export async function putAuditObjectIfMatch(backend: BackendConfig, bucket: string, key: string, json: string, etag: string): Promise<boolean> {
  try {
    await s3Client(backend).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: json, ContentType: 'application/json', IfMatch: `"${etag}"` }));
    return true;
  } catch (e) {
    if (isConditionFailed(e) || isNotFound(e)) return false;
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${bucket}/${key}` });
  }
}

/**
 * Audit object keys under `prefix`, in S3's order (lexicographic ascending, which the key scheme
 * makes newest first), one page at a time: `startAfter` continues after the last key returned.
 */
export async function listAuditKeys(backend: BackendConfig, bucket: string, prefix: string, maxKeys: number, startAfter?: string): Promise<{ refs: AuditObjectRef[]; more: boolean }> {
  try {
    const page = await s3Client(backend).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: maxKeys, StartAfter: startAfter }));
    const refs = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ key: o.Key, etag: unquoteEtag(o.ETag) }]));
    return { refs, more: page.IsTruncated === true };
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${bucket}/${prefix}` });
  }
}

/** One audit object's text, or null when it is gone. */
export async function getAuditObject(backend: BackendConfig, bucket: string, key: string): Promise<string | null> {
  try {
    const out = await s3Client(backend).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body ? await out.Body.transformToString('utf-8') : '';
  } catch (e) {
    if (isNotFound(e)) return null;
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${bucket}/${key}` });
  }
}
