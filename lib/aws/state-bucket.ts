import 'server-only';
import type { Readable } from 'node:stream';
/**
 * The state bucket (S3): full paginated listing, object reads. Conditional writes for mutations
 * live here too; nothing else talks to S3.
 */
import {
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type GetObjectCommandOutput,
  type PutObjectCommandInput,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { AppError } from '../api/errors';
import type { BackendConfig } from '../server/config';
import { lockfileKey } from '../terraform/paths';
import { s3Client } from './clients';
import { isConditionFailed, isNotFound, sdkErrorName, toAwsError } from './errors';

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

export type ConditionalDeleteResult = 'deleted' | 'precondition_failed' | 'not_found';

/**
 * Deletes the current object only if its ETag is still `etag` (`If-Match`, honoured by AWS for
 * general purpose buckets and by moto). No VersionId is ever sent: in a versioned bucket this adds a
 * delete marker, exactly as Terraform's own unlock does, and no version is destroyed.
 */
export async function deleteObjectIfMatch(backend: BackendConfig, key: string, etag: string): Promise<ConditionalDeleteResult> {
  try {
    await s3Client(backend).send(new DeleteObjectCommand({ Bucket: backend.bucket, Key: key, IfMatch: `"${etag}"` }));
    return 'deleted';
  } catch (e) {
    if (isConditionFailed(e)) return 'precondition_failed';
    if (isNotFound(e)) return 'not_found';
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${backend.bucket}/${key}` });
  }
}

/**
 * Whether the current object is still the one read: `expected` {etag, versionId} is checked with
 * HeadObject `If-Match` on the ETag (and the same VersionId when the bucket is versioned); `expected`
 * null means "there was no object", true only while there still is none.
 */
export async function objectStillIs(backend: BackendConfig, key: string, expected: { etag: string; versionId: string | null } | null): Promise<boolean> {
  try {
    const out = await s3Client(backend).send(new HeadObjectCommand({ Bucket: backend.bucket, Key: key, ...(expected ? { IfMatch: `"${expected.etag}"` } : {}) }));
    if (expected === null) return false;
    return unquoteEtag(out.ETag) === expected.etag && (expected.versionId === null || (out.VersionId ?? null) === expected.versionId);
  } catch (e) {
    if (isNotFound(e)) return expected === null;
    if (isConditionFailed(e)) return false;
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${backend.bucket}/${key}` });
  }
}

/** Server-side encryption of an object, as S3 reports it and as a new write must repeat it. */
export interface ObjectEncryption {
  /** `AES256`, `aws:kms`, `aws:kms:dsse`, or null (none reported). */
  serverSideEncryption: string | null;
  kmsKeyId: string | null;
}

function encryptionParams(encryption: ObjectEncryption): Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'> {
  const sse = encryption.serverSideEncryption as ServerSideEncryption | null;
  if (!sse) return {};
  return { ServerSideEncryption: sse, ...(sse.startsWith('aws:kms') && encryption.kmsKeyId ? { SSEKMSKeyId: encryption.kmsKeyId } : {}) };
}

export interface ConditionalPut {
  /** `If-Match` on this ETag (the current object must still be exactly it), or `If-None-Match: *` (no current object). */
  condition: { ifMatch: string } | { ifNoneMatch: true };
  contentType: string;
  encryption: ObjectEncryption;
  /** User metadata (`x-amz-meta-*`), names without the prefix. */
  metadata?: Record<string, string>;
  /** Abort the request when S3 has not answered within this time (a typed `aws_unreachable`, `timedOut: true`). */
  deadlineMs?: number;
}

export type ConditionalPutResult = { result: 'written'; etag: string; versionId: string | null } | { result: 'precondition_failed' };

/**
 * One PutObject with a condition: `If-None-Match: *` is how Terraform takes a `.tflock` lock, and
 * `If-Match` makes a rewrite of the state conditional on the version the operator saw. A 412 (or the
 * 404 AWS answers to `If-Match` when there is no current object) is `precondition_failed`.
 */
export async function putObjectConditionally(backend: BackendConfig, key: string, body: Uint8Array | string, put: ConditionalPut): Promise<ConditionalPutResult> {
  const deadline = put.deadlineMs !== undefined ? new AbortController() : null;
  const timer = deadline ? setTimeout(() => deadline.abort(), put.deadlineMs) : null;
  try {
    const out = await s3Client(backend).send(
      new PutObjectCommand({
        Bucket: backend.bucket,
        Key: key,
        Body: body,
        ContentType: put.contentType,
        ...('ifMatch' in put.condition ? { IfMatch: `"${put.condition.ifMatch}"` } : { IfNoneMatch: '*' }),
        ...encryptionParams(put.encryption),
        ...(put.metadata ? { Metadata: put.metadata } : {}),
      }),
      deadline ? { abortSignal: deadline.signal } : {},
    );
    return { result: 'written', etag: unquoteEtag(out.ETag), versionId: out.VersionId ?? null };
  } catch (e) {
    if (isConditionFailed(e) || ('ifMatch' in put.condition && isNotFound(e))) return { result: 'precondition_failed' };
    if (deadline?.signal.aborted) {
      throw new AppError('aws_timeout', `S3 did not answer the write of s3://${backend.bucket}/${key} within ${Math.round((put.deadlineMs ?? 0) / 1000)} s (backend "${backend.id}").`, {
        backend: backend.id,
        service: 'S3',
        resource: `s3://${backend.bucket}/${key}`,
        awsError: 'Timeout',
      });
    }
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${backend.bucket}/${key}` });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export interface ObjectHead {
  versionId: string | null;
  etag: string;
  size: number;
  /** User metadata (`x-amz-meta-*`), names lowercase without the prefix. */
  metadata: Record<string, string>;
  lastModified: string | null;
}

/** HeadObject of a version (or the current object): null when there is none. */
export async function headObject(backend: BackendConfig, key: string, versionId?: string): Promise<ObjectHead | null> {
  try {
    const out = await s3Client(backend).send(new HeadObjectCommand({ Bucket: backend.bucket, Key: key, VersionId: versionId }));
    return { versionId: out.VersionId ?? null, etag: unquoteEtag(out.ETag), size: out.ContentLength ?? 0, metadata: out.Metadata ?? {}, lastModified: out.LastModified?.toISOString() ?? null };
  } catch (e) {
    if (isNotFound(e) || sdkErrorName(e) === 'MethodNotAllowed') return null;
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${backend.bucket}/${key}` });
  }
}

// ---------- version history (state page) ----------

export interface ObjectVersion {
  /** `"null"` for an object written while versioning was off or suspended. */
  versionId: string;
  lastModified: string | null;
  size: number;
  /** ETag without quotes ("" for a delete marker). */
  etag: string;
  isLatest: boolean;
  deleteMarker: boolean;
}

export interface KeyVersions {
  /** Versions and delete markers of exactly `key`, newest first. */
  versions: ObjectVersion[];
  /** Those of exactly `key + '.tflock'`, newest first (empty unless asked for). */
  lockfileVersions: ObjectVersion[];
  /** ListObjectVersions requests made. */
  pages: number;
}

/** Merges a page's two lists (each newest first) newest first; the latest entry wins a same-second tie. */
function mergeNewestFirst(a: ObjectVersion[], b: ObjectVersion[]): ObjectVersion[] {
  const out: ObjectVersion[] = [];
  let i = 0;
  let j = 0;
  const time = (v: ObjectVersion) => (v.lastModified === null ? Number.NEGATIVE_INFINITY : Date.parse(v.lastModified));
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    const takeA = y === undefined || (x !== undefined && (time(x) > time(y) || (time(x) === time(y) && !y.isLatest)));
    out.push(takeA ? x! : y!);
    if (takeA) i++;
    else j++;
  }
  return out;
}

/**
 * Every version and delete marker of exactly `key` (and, when `lockfile` is set, of `key.tflock`),
 * all pages, newest first. `Prefix: key` also matches `key.backup`, `key.tflock`, `key2`…: those are
 * filtered out by exact key. S3 lists keys in order, so paging stops once the listing has passed the
 * last key of interest.
 */
export async function listKeyVersions(backend: BackendConfig, key: string, opts: { lockfile?: boolean; pageSize?: number } = {}): Promise<KeyVersions> {
  const lockKey = lockfileKey(key);
  const lastKeyOfInterest = opts.lockfile ? lockKey : key;
  const versions: ObjectVersion[] = [];
  const lockfileVersions: ObjectVersion[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  let pages = 0;
  try {
    for (;;) {
      const page = await s3Client(backend).send(
        new ListObjectVersionsCommand({ Bucket: backend.bucket, Prefix: key, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker, MaxKeys: opts.pageSize }),
      );
      pages++;
      const byKey = new Map<string, { versions: ObjectVersion[]; markers: ObjectVersion[] }>([
        [key, { versions: [], markers: [] }],
        [lockKey, { versions: [], markers: [] }],
      ]);
      for (const v of page.Versions ?? []) {
        byKey.get(v.Key ?? '')?.versions.push({
          versionId: v.VersionId ?? 'null',
          lastModified: v.LastModified?.toISOString() ?? null,
          size: v.Size ?? 0,
          etag: unquoteEtag(v.ETag),
          isLatest: v.IsLatest === true,
          deleteMarker: false,
        });
      }
      for (const m of page.DeleteMarkers ?? []) {
        byKey.get(m.Key ?? '')?.markers.push({
          versionId: m.VersionId ?? 'null',
          lastModified: m.LastModified?.toISOString() ?? null,
          size: 0,
          etag: '',
          isLatest: m.IsLatest === true,
          deleteMarker: true,
        });
      }
      const own = byKey.get(key)!;
      versions.push(...mergeNewestFirst(own.versions, own.markers));
      if (opts.lockfile) {
        const lock = byKey.get(lockKey)!;
        lockfileVersions.push(...mergeNewestFirst(lock.versions, lock.markers));
      }
      if (!page.IsTruncated) break;
      // Keys come in order: once the next page starts past the last key of interest, stop.
      if (page.NextKeyMarker !== undefined && page.NextKeyMarker > lastKeyOfInterest) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
      if (keyMarker === undefined) break;
    }
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${backend.bucket}/${key}` });
  }
  return { versions, lockfileVersions, pages };
}

export type BucketVersioning = 'Enabled' | 'Suspended' | 'Disabled';

/** The bucket's versioning status; a bucket that never had versioning answers `Disabled`. */
export async function getBucketVersioning(backend: BackendConfig): Promise<BucketVersioning> {
  try {
    const out = await s3Client(backend).send(new GetBucketVersioningCommand({ Bucket: backend.bucket }));
    return out.Status === 'Enabled' ? 'Enabled' : out.Status === 'Suspended' ? 'Suspended' : 'Disabled';
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: backend.bucket });
  }
}

export interface OpenedObject {
  etag: string;
  versionId: string | null;
  contentType: string | null;
  contentLength: number | null;
  lastModified: string | null;
  /** The body as a web stream (read it once, either way). */
  stream: () => ReadableStream<Uint8Array>;
  bytes: () => Promise<Uint8Array>;
}

function isMissingVersion(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  // 405: the version is a delete marker (no content); 400 InvalidArgument: a malformed version ID.
  return isNotFound(e) || err?.name === 'MethodNotAllowed' || err?.$metadata?.httpStatusCode === 405 || (err?.name === 'InvalidArgument' && err?.$metadata?.httpStatusCode === 400);
}

/**
 * Opens one version of an object (or the current one) without buffering it. Null when the key or
 * version does not exist, is a delete marker, or the version ID is malformed.
 */
/**
 * The body as a web stream, pulled one chunk at a time. Node's own adapter (what the SDK's
 * `transformToWebStream` uses) keeps pushing chunks of the SDK's checksum stream after a reader
 * cancelled, which throws "Controller is already closed" outside any request; here a cancel destroys
 * the socket's stream and nothing is enqueued after it.
 */
function webStreamOf(body: NonNullable<GetObjectCommandOutput['Body']>): ReadableStream<Uint8Array> {
  const node = body as unknown as Readable;
  if (typeof node.pipe !== 'function' || typeof node.destroy !== 'function') return body.transformToWebStream() as ReadableStream<Uint8Array>;
  const chunks = node[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value instanceof Uint8Array ? value : new TextEncoder().encode(String(value)));
      } catch (e) {
        controller.error(e);
      }
    },
    cancel() {
      node.destroy();
    },
  });
}

export async function openObjectVersion(backend: BackendConfig, key: string, versionId?: string): Promise<OpenedObject | null> {
  try {
    const out = await s3Client(backend).send(new GetObjectCommand({ Bucket: backend.bucket, Key: key, VersionId: versionId }));
    const body = out.Body;
    return {
      etag: unquoteEtag(out.ETag),
      versionId: out.VersionId ?? null,
      contentType: out.ContentType ?? null,
      contentLength: out.ContentLength ?? null,
      lastModified: out.LastModified?.toISOString() ?? null,
      stream: () => (body ? webStreamOf(body) : new ReadableStream({ start: (c) => c.close() })),
      bytes: async () => (body ? body.transformToByteArray() : new Uint8Array()),
    };
  } catch (e) {
    if (isMissingVersion(e)) return null;
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: `s3://${backend.bucket}/${key}` });
  }
}
