import 'server-only';
/**
 * The version history of one state: every version and delete marker of exactly that key, newest
 * first. Without writers this costs exactly the ListObjectVersions pages. With writers, the
 * `.tflock` history from the same listing attributes each version to the lock held when it was
 * written; the lock bodies needed are read by version ID (immutable, so cached without expiry) a few
 * at a time.
 */
import { getBucketVersioning, listKeyVersions, openObjectVersion, type KeyVersions, type ObjectVersion } from '../aws/state-bucket';
import { cachedRead, invalidate } from '../server/cache';
import { mapLimit } from '../server/concurrency';
import { getConfig, type BackendConfig } from '../server/config';
import { AppError } from '../api/errors';
import type { BucketVersioning, StateVersion, VersionsResult } from '../api/versions';
import { LruCache } from '../server/lru-cache';
import { attributeVersions, lockVersionsToRead, type Attribution } from '../terraform/attribution';
import { lockfileKey } from '../terraform/paths';
import { cacheKey, cacheKeyPrefix } from './cache-keys';
import { assertStateKey, NULL_VERSION_ID } from './state-version';

export type { StateVersion, VersionsResult } from '../api/versions';

const LOCK_BODY_CONCURRENCY = 8;

/** The adapter's listing entry mapped into the API contract (field by field: an adapter change never leaks out). */
function toStateVersion(v: ObjectVersion): StateVersion {
  return { versionId: v.versionId, lastModified: v.lastModified, size: v.size, etag: v.etag, isLatest: v.isLatest, deleteMarker: v.deleteMarker };
}
const VERSIONING_TTL_MS = 5 * 60_000;

/** `.tflock` bodies by version ID: a version never changes. Each is ~250 bytes. */
const lockBodies = new LruCache<string | null>(50_000);

async function readLockBody(backend: BackendConfig, key: string, versionId: string): Promise<string | null> {
  const load = async () => {
    const opened = await openObjectVersion(backend, lockfileKey(key), versionId);
    return opened === null ? null : new TextDecoder().decode(await opened.bytes());
  };
  if (versionId === NULL_VERSION_ID) return load();
  try {
    return await lockBodies.get(cacheKey(backend.bucket, key, versionId), load);
  } catch {
    // Unreadable (access denied on the lock's KMS key…): that version's writer stays unknown.
    return null;
  }
}

/**
 * Versioning status. A listing whose newest entry has a real version ID was written with versioning
 * on, which answers without a request (the common case); only a history of "null" IDs (never
 * versioned, or suspended) needs GetBucketVersioning, cached for a few minutes.
 */
async function versioningOf(backend: BackendConfig, listed: KeyVersions): Promise<BucketVersioning> {
  const newest = listed.versions[0];
  if (newest && newest.versionId !== NULL_VERSION_ID) return 'Enabled';
  return cachedRead('bucket-versioning', backend.id, VERSIONING_TTL_MS, () => getBucketVersioning(backend));
}

function listCached(backend: BackendConfig, key: string, lockfile: boolean): Promise<KeyVersions> {
  return cachedRead('key-versions', cacheKey(backend.id, key, lockfile), getConfig().cacheSeconds * 1000, () => listKeyVersions(backend, key, { lockfile }));
}

/** After a write to the state (a restore): the next listing goes to S3. */
export function invalidateVersions(backendId: string, key: string): void {
  invalidate('key-versions', cacheKeyPrefix(backendId, key));
}

/** The listing of a state with its `.tflock` history (cached for `cacheSeconds`, shared by every viewer). */
export function listWithLockHistory(backend: BackendConfig, key: string): Promise<KeyVersions> {
  return listCached(backend, key, true);
}

/**
 * Attributes these entries of a listing (with its `.tflock` history) to their writers, reading only
 * the lock bodies needed. A gap in the history is "no lock held" only for a backend that locks with
 * lock files.
 */
export async function attributeFromHistory(backend: BackendConfig, key: string, listed: KeyVersions, entries: readonly ObjectVersion[]): Promise<Map<string, Attribution>> {
  const lockEntries = listed.lockfileVersions;
  const needed = lockVersionsToRead(entries, lockEntries);
  const bodies = new Map<string, string | null>();
  await mapLimit(needed, LOCK_BODY_CONCURRENCY, async (versionId) => {
    bodies.set(versionId, await readLockBody(backend, key, versionId));
  });
  return attributeVersions(entries, lockEntries, bodies, { lockfileLocking: backend.useLockfile });
}

export async function listVersions(backend: BackendConfig, key: string, opts: { writers?: boolean } = {}): Promise<VersionsResult> {
  assertStateKey(backend, key);
  const writers = opts.writers === true;
  const listed = await listCached(backend, key, writers);
  if (listed.versions.length === 0) throw new AppError('state_not_found', `There is no object and no version history at ${key} in backend "${backend.id}".`, { backend: backend.id, key });
  const versioning = await versioningOf(backend, listed);
  const result: VersionsResult = { key, versions: listed.versions.map(toStateVersion), versioning, fetchedAt: new Date().toISOString() };
  if (!writers) return result;

  const lockEntries = listed.lockfileVersions;
  const attribution = await attributeFromHistory(backend, key, listed, listed.versions);
  for (const v of result.versions) {
    const a = attribution.get(v.versionId);
    v.writer = a?.writer ?? null;
    v.attribution = a?.basis ?? 'none';
  }
  result.lockHistory = {
    entries: lockEntries.length,
    note:
      lockEntries.length === 0
        ? versioning === 'Enabled'
          ? 'No .tflock history for this state (the backend does not use use_lockfile, or its lock versions were expired by a lifecycle rule): writers are unknown.'
          : 'Writers can only be told from the .tflock history of a versioned bucket.'
        : null,
  };
  return result;
}
