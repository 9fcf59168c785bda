import 'server-only';
/**
 * Reading one version of one state, shared by the version metadata, download, diff and restore use
 * cases: the key must be a state key of the backend, and an unknown version of it is a typed 404.
 * What is read whole into memory has a size bound; what is parsed at length runs off the event loop.
 */
import crypto from 'node:crypto';
import { openObjectVersion, type OpenedObject } from '../aws/state-bucket';
import type { BackendConfig } from '../server/config';
import { AppError } from '../api/errors';
import type { VersionMetadata } from '../api/versions';
import { faults } from '../server/faults';
import { acquireHeavyRead, tryAcquireHeavyRead, type HeavyReader } from '../server/heavy-reads';
import { LruCache } from '../server/lru-cache';
import { ownBytes, runOffThread } from '../server/off-thread';
import { isStateKey } from '../terraform/paths';
import { cacheKey } from './cache-keys';
import { parseStateFile } from '../terraform/state-file';

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

/**
 * The largest version read whole into memory for a diff or its metadata. A job's heap
 * (lib/server/off-thread.ts) holds two parsed versions of this size with room to spare.
 */
export const MAX_JOB_BYTES = 64 * 1024 * 1024;
/** Versions up to this size have their metadata read inline (milliseconds); larger ones in a worker thread, holding a heavy-read slot. */
export const INLINE_METADATA_BYTES = 1024 * 1024;

type Operation = 'diff' | 'metadata';

const maxJobBytes = () => faults.delay('state-job:max-bytes', MAX_JOB_BYTES);

function tooLargeToRead(backend: BackendConfig, key: string, versionId: string | undefined, size: number, operation: Operation): AppError {
  const mib = (n: number) => `${Math.round((n / 2 ** 20) * 10) / 10} MiB`;
  const what = operation === 'diff' ? 'compared' : 'read';
  const limit = maxJobBytes();
  return new AppError('state_too_large', `Version ${versionId ?? '(current)'} of ${key} is ${mib(size)}: larger than the ${mib(limit)} this server reads whole, so it cannot be ${what} here (download it instead).`, {
    backend: backend.id,
    key,
    ...(versionId === undefined ? {} : { versionId }),
    operation,
    reason: 'size',
    limit,
  });
}

/** The exact bytes of one version, refused (422 `state_too_large`) past MAX_JOB_BYTES before any is read. */
export async function readStateVersion(backend: BackendConfig, key: string, versionId: string | undefined, operation: Operation): Promise<StateVersionBytes> {
  const opened = await openStateVersion(backend, key, versionId);
  if (opened.contentLength !== null && opened.contentLength > maxJobBytes()) {
    await opened.stream().cancel();
    throw tooLargeToRead(backend, key, versionId, opened.contentLength, operation);
  }
  const bytes = await opened.bytes();
  if (bytes.length > maxJobBytes()) throw tooLargeToRead(backend, key, versionId, bytes.length, operation);
  return { bytes, etag: opened.etag, versionId: opened.versionId, lastModified: opened.lastModified };
}

export type { VersionMetadata } from '../api/versions';

/**
 * Reads one version and its metadata: a small one here (a few ms), a large one in a worker thread
 * (off the event loop, memory-limited) holding a heavy-read slot of `caller`, taken once the size is
 * known (waiting for one like any heavy read; 503 `busy` past the wait).
 */
async function readVersionMetadata(backend: BackendConfig, key: string, versionId: string, caller: HeavyReader): Promise<VersionMetadata> {
  let opened = await openStateVersion(backend, key, versionId);
  const size = opened.contentLength;
  if (size !== null && size <= INLINE_METADATA_BYTES) {
    const bytes = await opened.bytes();
    return { ...parseStateFile(bytes).metadata, ...stampOf(opened), md5: crypto.createHash('md5').update(bytes).digest('hex') };
  }
  if (size !== null && size > maxJobBytes()) {
    await opened.stream().cancel();
    throw tooLargeToRead(backend, key, versionId, size, 'metadata');
  }
  let release = tryAcquireHeavyRead(caller);
  if (!release) {
    // No slot free now: let go of the object while waiting for one (an idle response would hold its connection), then open it again.
    await opened.stream().cancel();
    release = await acquireHeavyRead(caller);
    try {
      opened = await openStateVersion(backend, key, versionId);
    } catch (e) {
      release();
      throw e;
    }
  }
  try {
    const bytes = await opened.bytes();
    if (bytes.length > maxJobBytes()) throw tooLargeToRead(backend, key, versionId, bytes.length, 'metadata');
    const answer = await runOffThread({ kind: 'metadata', bytes: ownBytes(bytes) }, 'metadata', { backend: backend.id, key });
    if (!answer.ok || answer.kind !== 'metadata') throw new Error(`unexpected answer to a metadata job: ${answer.ok ? answer.kind : answer.reason}`);
    return { ...answer.metadata, ...stampOf(opened), md5: answer.md5 };
  } finally {
    release();
  }
}

const stampOf = (opened: OpenedObject) => ({ versionId: opened.versionId, etag: opened.etag, lastModified: opened.lastModified });

/** Metadata of immutable versions, kept by (bucket, key, version ID). */
const metadataCache = new LruCache<VersionMetadata>(5000);

/** Metadata of one version, downloaded only on demand and cached by version ID. */
export function stateVersionMetadata(backend: BackendConfig, key: string, versionId: string, caller: HeavyReader): Promise<VersionMetadata> {
  if (versionId === NULL_VERSION_ID) return readVersionMetadata(backend, key, versionId, caller);
  return metadataCache.get(cacheKey(backend.bucket, key, versionId), () => readVersionMetadata(backend, key, versionId, caller));
}

/** Tests only. */
export function clearVersionMetadataCache(): void {
  metadataCache.clear();
}
