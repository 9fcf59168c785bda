import 'server-only';
/**
 * The state bucket's own configuration, as far as a restore depends on it: versioning and MFA
 * delete, lifecycle rules, Object Lock, default encryption, replication; and a fold over every object
 * version (for how far back each state can be restored). Each read has its own deadline and answers
 * a `Checked<T>`: a missing permission is "not checked: AccessDenied", never a failure of the page.
 */
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  ListObjectVersionsCommand,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import type { BackendConfig } from '../server/config';
import type { LifecycleRuleInfo } from '../terraform/recovery-rules';
import { s3Client } from './clients';
import { sdkErrorName, toAwsError } from './errors';
import { unquoteEtag } from './state-bucket';

export type Checked<T> = { status: 'ok'; value: T } | { status: 'not_checked'; reason: string };

const CONFIG_DEADLINE_MS = 5_000;

/** "Not configured" answers of each read (a 404 with these names means: none set). */
const NONE = new Set([
  'NoSuchLifecycleConfiguration',
  'ObjectLockConfigurationNotFoundError',
  'ServerSideEncryptionConfigurationNotFoundError',
  'ReplicationConfigurationNotFoundError',
  'NoSuchReplicationConfiguration',
]);

async function checked<T>(backend: BackendConfig, read: (signal: AbortSignal) => Promise<T>, none: T): Promise<Checked<T>> {
  try {
    return { status: 'ok', value: await read(AbortSignal.timeout(CONFIG_DEADLINE_MS)) };
  } catch (e) {
    const name = sdkErrorName(e);
    if (NONE.has(name)) return { status: 'ok', value: none };
    const err = toAwsError(e, { backend: backend.id, service: 'S3', resource: backend.bucket });
    if (err.code === 'aws_access_denied') return { status: 'not_checked', reason: 'AccessDenied' };
    if (name === 'AbortError' || name === 'TimeoutError') return { status: 'not_checked', reason: `no answer within ${CONFIG_DEADLINE_MS / 1000} s` };
    // moto (and some S3-compatible stores) answer NotImplemented for what they do not support.
    return { status: 'not_checked', reason: name };
  }
}

export interface VersioningConfig {
  status: 'Enabled' | 'Suspended' | 'Disabled';
  mfaDelete: 'Enabled' | 'Disabled';
}

export function readVersioning(backend: BackendConfig): Promise<Checked<VersioningConfig>> {
  return checked(
    backend,
    async (abortSignal) => {
      const out = await s3Client(backend).send(new GetBucketVersioningCommand({ Bucket: backend.bucket }), { abortSignal });
      return { status: out.Status === 'Enabled' ? 'Enabled' : out.Status === 'Suspended' ? 'Suspended' : 'Disabled', mfaDelete: out.MFADelete === 'Enabled' ? 'Enabled' : 'Disabled' } as const;
    },
    { status: 'Disabled', mfaDelete: 'Disabled' } as const,
  );
}

function ruleInfo(r: LifecycleRule): LifecycleRuleInfo {
  const f = r.Filter;
  const and = f?.And;
  const tags = [...(f?.Tag ? [f.Tag] : []), ...(and?.Tags ?? [])].map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
  return {
    id: (r.ID ?? '').slice(0, 255),
    enabled: r.Status === 'Enabled',
    prefix: f?.Prefix ?? and?.Prefix ?? r.Prefix ?? '',
    tags,
    sizeGreaterThan: f?.ObjectSizeGreaterThan ?? and?.ObjectSizeGreaterThan ?? null,
    sizeLessThan: f?.ObjectSizeLessThan ?? and?.ObjectSizeLessThan ?? null,
    expirationDays: r.Expiration?.Days ?? null,
    expirationDate: r.Expiration?.Date?.toISOString() ?? null,
    expiredObjectDeleteMarker: r.Expiration?.ExpiredObjectDeleteMarker === true,
    noncurrentDays: r.NoncurrentVersionExpiration?.NoncurrentDays ?? null,
    newerNoncurrentVersions: r.NoncurrentVersionExpiration?.NewerNoncurrentVersions ?? null,
    noncurrentTransition: (r.NoncurrentVersionTransitions ?? []).length > 0,
  };
}

export function readLifecycle(backend: BackendConfig): Promise<Checked<LifecycleRuleInfo[]>> {
  return checked(
    backend,
    async (abortSignal) => {
      const out = await s3Client(backend).send(new GetBucketLifecycleConfigurationCommand({ Bucket: backend.bucket }), { abortSignal });
      return (out.Rules ?? []).slice(0, 1000).map(ruleInfo);
    },
    [],
  );
}

export interface ObjectLockConfig {
  enabled: boolean;
  mode: string | null;
  days: number | null;
  years: number | null;
}

export function readObjectLock(backend: BackendConfig): Promise<Checked<ObjectLockConfig>> {
  return checked(
    backend,
    async (abortSignal) => {
      const out = await s3Client(backend).send(new GetObjectLockConfigurationCommand({ Bucket: backend.bucket }), { abortSignal });
      const c = out.ObjectLockConfiguration;
      const r = c?.Rule?.DefaultRetention;
      // 0 is not a valid retention (moto answers Years: 0 next to Days): read as unset.
      return { enabled: c?.ObjectLockEnabled === 'Enabled', mode: r?.Mode ?? null, days: r?.Days || null, years: r?.Years || null };
    },
    { enabled: false, mode: null, days: null, years: null },
  );
}

export interface EncryptionConfig {
  /** `AES256` (SSE-S3), `aws:kms`, `aws:kms:dsse`, or null: no default encryption rule. */
  algorithm: string | null;
  kmsKeyId: string | null;
  bucketKey: boolean;
}

export function readEncryption(backend: BackendConfig): Promise<Checked<EncryptionConfig>> {
  return checked(
    backend,
    async (abortSignal) => {
      const out = await s3Client(backend).send(new GetBucketEncryptionCommand({ Bucket: backend.bucket }), { abortSignal });
      const rule = out.ServerSideEncryptionConfiguration?.Rules?.[0];
      const d = rule?.ApplyServerSideEncryptionByDefault;
      return { algorithm: d?.SSEAlgorithm ?? null, kmsKeyId: d?.KMSMasterKeyID ?? null, bucketKey: rule?.BucketKeyEnabled === true };
    },
    { algorithm: null, kmsKeyId: null, bucketKey: false },
  );
}

export interface ReplicationConfig {
  rules: { id: string; enabled: boolean; prefix: string; destination: string }[];
}

export function readReplication(backend: BackendConfig): Promise<Checked<ReplicationConfig>> {
  return checked(
    backend,
    async (abortSignal) => {
      const out = await s3Client(backend).send(new GetBucketReplicationCommand({ Bucket: backend.bucket }), { abortSignal });
      return {
        rules: (out.ReplicationConfiguration?.Rules ?? []).slice(0, 100).map((r) => ({
          id: r.ID ?? '',
          enabled: r.Status === 'Enabled',
          prefix: r.Filter?.Prefix ?? r.Filter?.And?.Prefix ?? r.Prefix ?? '',
          destination: r.Destination?.Bucket ?? '',
        })),
      };
    },
    { rules: [] },
  );
}

export interface VersionEntry {
  key: string;
  versionId: string;
  lastModified: string | null;
  etag: string;
  size: number;
  isLatest: boolean;
  deleteMarker: boolean;
}

/**
 * Every version and delete marker of the bucket (optionally under a prefix), page by page: `onPage`
 * folds each page so nothing but the caller's aggregate is kept. Stops after `maxPages` (the result
 * says so). Each page has its own deadline.
 */
export async function foldObjectVersions(
  backend: BackendConfig,
  onPage: (entries: VersionEntry[]) => void,
  opts: { prefix?: string; maxPages?: number; pageDeadlineMs?: number } = {},
): Promise<{ pages: number; complete: boolean }> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  let pages = 0;
  const maxPages = opts.maxPages ?? 2_000;
  try {
    for (;;) {
      const page = await s3Client(backend).send(new ListObjectVersionsCommand({ Bucket: backend.bucket, Prefix: opts.prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }), {
        abortSignal: AbortSignal.timeout(opts.pageDeadlineMs ?? 60_000),
      });
      pages++;
      const entries: VersionEntry[] = [];
      for (const v of page.Versions ?? []) {
        if (v.Key === undefined) continue;
        entries.push({ key: v.Key, versionId: v.VersionId ?? 'null', lastModified: v.LastModified?.toISOString() ?? null, etag: unquoteEtag(v.ETag), size: v.Size ?? 0, isLatest: v.IsLatest === true, deleteMarker: false });
      }
      for (const m of page.DeleteMarkers ?? []) {
        if (m.Key === undefined) continue;
        entries.push({ key: m.Key, versionId: m.VersionId ?? 'null', lastModified: m.LastModified?.toISOString() ?? null, etag: '', size: 0, isLatest: m.IsLatest === true, deleteMarker: true });
      }
      onPage(entries);
      if (!page.IsTruncated || page.NextKeyMarker === undefined) return { pages, complete: true };
      if (pages >= maxPages) return { pages, complete: false };
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
  } catch (e) {
    throw toAwsError(e, { backend: backend.id, service: 'S3', resource: backend.bucket });
  }
}
