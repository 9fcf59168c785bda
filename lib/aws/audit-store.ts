import 'server-only';
/**
 * The audit store: one small JSON object per mutation attempt in S3 (the backend's own bucket, or a
 * dedicated audit bucket), reached with the backend's S3 client. Only puts, lists and gets: audit
 * objects are never deleted.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { BackendConfig } from '../server/config';
import { s3Client } from './clients';
import { toAwsError } from './errors';
import { getCappedObject, putJsonObject, type CappedRead } from './lockboard-objects';
import { unquoteEtag } from './state-bucket';

export interface AuditObjectRef {
  key: string;
  etag: string;
  /** As listed: lets a reader skip an object too large to be a record without asking for it. */
  size: number;
}

/** Writes (or overwrites) one audit object. Failures are typed AppErrors naming bucket and key. */
export async function putAuditObject(backend: BackendConfig, bucket: string, key: string, json: string): Promise<void> {
  await putJsonObject(backend, bucket, key, json);
}

/**
 * Overwrites one audit object only if it is still the version read (its ETag): false when another
 * writer (another replica completing the same record) got there first, or it is gone.
 */
export async function putAuditObjectIfMatch(backend: BackendConfig, bucket: string, key: string, json: string, etag: string): Promise<boolean> {
  return (await putJsonObject(backend, bucket, key, json, { ifMatch: etag })).written;
}

/**
 * Audit object keys under `prefix`, in S3's order (lexicographic ascending, which the key scheme
 * makes newest first), one page at a time: `startAfter` continues after the last key returned.
 */
export async function listAuditKeys(backend: BackendConfig, bucket: string, prefix: string, maxKeys: number, startAfter?: string): Promise<{ refs: AuditObjectRef[]; more: boolean }> {
  try {
    const page = await s3Client(backend).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: maxKeys, StartAfter: startAfter }));
    const refs = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ key: o.Key, etag: unquoteEtag(o.ETag), size: o.Size ?? 0 }]));
    return { refs, more: page.IsTruncated === true };
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${bucket}/${prefix}` });
  }
}

/**
 * One audit object's text if it is at most `maxBytes` (checked before its body is downloaded: an
 * object planted under the prefix may be any size); `too_large` unread; `missing` when it is gone.
 */
export function getAuditObject(backend: BackendConfig, bucket: string, key: string, maxBytes: number): Promise<CappedRead> {
  return getCappedObject(backend, bucket, key, maxBytes);
}
