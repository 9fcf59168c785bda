import 'server-only';
/**
 * The state bucket (S3): full paginated listing, object reads. Conditional writes for mutations
 * live here too; nothing else talks to S3.
 */
import { GetObjectCommand, ListObjectsV2Command, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { BackendConfig } from '../config';
import { s3Client } from './clients';
import { isNotFound, toAwsError } from './errors';

export interface ObjectSummary {
  key: string;
  size: number;
  /** ETag without quotes. */
  etag: string;
  lastModified: string | null;
}

export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"|"$/g, '');
}

/** Every object of the bucket (optionally under a prefix), all pages. */
export async function listAllObjects(backend: BackendConfig, prefix?: string): Promise<ObjectSummary[]> {
  const objects: ObjectSummary[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await s3Client(backend).send(new ListObjectsV2Command({ Bucket: backend.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        objects.push({ key: o.Key, size: o.Size ?? 0, etag: unquoteEtag(o.ETag), lastModified: o.LastModified?.toISOString() ?? null });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: backend.bucket });
  }
  return objects;
}

export interface ObjectBytes {
  body: Uint8Array;
  etag: string;
  versionId: string | null;
  contentType: string | null;
  lastModified: string | null;
  serverSideEncryption: string | null;
  kmsKeyId: string | null;
}

function describe(out: GetObjectCommandOutput, body: Uint8Array): ObjectBytes {
  return {
    body,
    etag: unquoteEtag(out.ETag),
    versionId: out.VersionId ?? null,
    contentType: out.ContentType ?? null,
    lastModified: out.LastModified?.toISOString() ?? null,
    serverSideEncryption: out.ServerSideEncryption ?? null,
    kmsKeyId: out.SSEKMSKeyId ?? null,
  };
}

/** An object's exact bytes (a given version, or the latest), or null when there is no such object. */
export async function getObjectBytes(backend: BackendConfig, key: string, versionId?: string): Promise<ObjectBytes | null> {
  try {
    const out = await s3Client(backend).send(new GetObjectCommand({ Bucket: backend.bucket, Key: key, VersionId: versionId }));
    const body = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    return describe(out, body);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${backend.bucket}/${key}` });
  }
}
