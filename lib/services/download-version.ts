import 'server-only';
/**
 * The exact bytes of one version of a state (or the current object), streamed as a download. This
 * is the operator's explicit "raw file" download, so it necessarily includes sensitive values; every
 * other view masks them.
 */
import type { BackendConfig } from '../server/config';
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
