import 'server-only';
/**
 * The exact bytes of one version of a state (or the current object), streamed as a download. This
 * is the operator's explicit "raw file" download, so it necessarily includes sensitive values; every
 * other view masks them.
 */
import { beginAudit, completeAudit } from '../audit/audit-log';
import { assertAllowed, type Identity } from '../auth/identity';
import { getConfig, type BackendConfig } from '../server/config';
import { openStateVersion } from './state-version';

export interface VersionDownload {
  stream: ReadableStream<Uint8Array>;
  filename: string;
  contentType: 'application/json' | 'application/octet-stream';
  contentLength: number | null;
  etag: string;
  versionId: string | null;
}

/** `env:/staging/app/terraform.tfstate` at version v → `env_staging_app_terraform-v.tfstate`. */
export function downloadFilename(key: string, versionId: string | null): string {
  const flat = key.replace(/[/\\:]+/g, '_').replace(/^_+/, '') || 'state';
  if (!versionId) return flat;
  const safeVersion = versionId.replace(/[^A-Za-z0-9._-]/g, '_');
  const dot = flat.lastIndexOf('.');
  return dot > 0 ? `${flat.slice(0, dot)}-${safeVersion}${flat.slice(dot)}` : `${flat}-${safeVersion}`;
}

export async function downloadVersion(backend: BackendConfig, key: string, versionId?: string): Promise<VersionDownload> {
  const opened = await openStateVersion(backend, key, versionId);
  return {
    stream: opened.stream(),
    filename: downloadFilename(key, opened.versionId ?? versionId ?? null),
    contentType: opened.contentType?.includes('json') ? 'application/json' : 'application/octet-stream',
    contentLength: opened.contentLength,
    etag: opened.etag,
    versionId: opened.versionId,
  };
}

/**
 * The raw download as a caller asks for it: needs the stateReader role on the key (proxy.ts checks
 * it too), and is audited before a byte is sent (who, which key, which version and ETag); if the
 * record cannot be stored the download is refused (503), as a mutation would be.
 */
export async function auditedDownload(identity: Identity, backend: BackendConfig, key: string, versionId?: string): Promise<VersionDownload> {
  const backendId = backend.id;
  assertAllowed(identity, 'stateReader', backendId, key, getConfig());
  const download = await downloadVersion(backend, key, versionId);
  const seen = { versionId: download.versionId ?? versionId ?? null, etag: download.etag, bytes: download.contentLength };
  let auditId: string;
  try {
    auditId = await beginAudit({ user: identity.user, anonymous: identity.anonymous, backend: backendId, key, action: 'download', reason: null, seen });
  } catch (e) {
    await download.stream.cancel().catch(() => undefined);
    throw e;
  }
  await completeAudit(auditId, { outcome: 'succeeded', details: seen });
  return download;
}
