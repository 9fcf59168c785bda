import 'server-only';
/**
 * Reading one version of one state, shared by the version metadata, download, diff and restore use
 * cases: the key must be a state key of the backend, and an unknown version of it is a typed 404.
 */
import crypto from 'node:crypto';
import { openObjectVersion, type OpenedObject } from '../aws/state-bucket';
import type { BackendConfig } from '../server/config';
import { AppError } from '../api/errors';
import type { VersionMetadata } from '../api/versions';
import { LruCache } from '../server/lru-cache';
import { isStateKey } from '../terraform/paths';
import { cacheKey } from './cache-keys';
import { parseStateFile, type ParsedState } from '../terraform/state-file';

/** A version ID of an object written without versioning: it can be overwritten, so never cached. */
export const NULL_VERSION_ID = 'null';

/** 400 unless `key` names a state of this backend (not a `.tflock`, backup or other object). */
export function assertStateKey(backend: BackendConfig, key: string): void {
  if (!isStateKey(key, backend.stateSuffixes)) {
    throw new AppError('bad_request', `"${key}" is not a state key of backend "${backend.id}" (state keys end with ${backend.stateSuffixes.join(' or ')}).`, { backend: backend.id, key });
  }
}

/** One version of a state (or the current object when `versionId` is absent), opened for reading. */
export async function openStateVersion(backend: BackendConfig, key: string, versionId?: string): Promise<OpenedObject> {
  assertStateKey(backend, key);
  const opened = await openObjectVersion(backend, key, versionId);
  if (opened) return opened;
  if (versionId === undefined) throw new AppError('state_not_found', `There is no current object at ${key} in backend "${backend.id}".`, { backend: backend.id, key });
  throw new AppError('version_not_found', `Version "${versionId}" of ${key} does not exist (or is a delete marker, which has no content).`, { backend: backend.id, key, versionId });
}

export interface StateVersionBytes {
  bytes: Uint8Array;
  etag: string;
  versionId: string | null;
  lastModified: string | null;
}

/** The exact bytes of one version. */
export async function readStateVersion(backend: BackendConfig, key: string, versionId?: string): Promise<StateVersionBytes> {
  const opened = await openStateVersion(backend, key, versionId);
  return { bytes: await opened.bytes(), etag: opened.etag, versionId: opened.versionId, lastModified: opened.lastModified };
}

export type { VersionMetadata } from '../api/versions';

/** Reads and parses one version; the document is the caller's to drop as soon as it is done. */
export async function parseStateVersion(backend: BackendConfig, key: string, versionId?: string): Promise<{ parsed: ParsedState; metadata: VersionMetadata }> {
  const read = await readStateVersion(backend, key, versionId);
  const md5 = crypto.createHash('md5').update(read.bytes).digest('hex');
  const parsed = parseStateFile(read.bytes);
  return { parsed, metadata: { ...parsed.metadata, versionId: read.versionId, etag: read.etag, lastModified: read.lastModified, md5 } };
}

/** Metadata of immutable versions, kept by (bucket, key, version ID). */
const metadataCache = new LruCache<VersionMetadata>(5000);

/** Metadata of one version, downloaded only on demand and cached by version ID. */
export function stateVersionMetadata(backend: BackendConfig, key: string, versionId: string): Promise<VersionMetadata> {
  if (versionId === NULL_VERSION_ID) return parseStateVersion(backend, key, versionId).then((r) => r.metadata);
  return metadataCache.get(cacheKey(backend.bucket, key, versionId), async () => (await parseStateVersion(backend, key, versionId)).metadata);
}

/** Tests only. */
export function clearVersionMetadataCache(): void {
  metadataCache.clear();
}
