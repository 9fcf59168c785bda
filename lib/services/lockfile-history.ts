import 'server-only';
/**
 * When each state's `.tflock` was last written or released (its newest version or delete marker), for
 * the migration view: one ListObjectVersions per state, so it is shared by every viewer and kept
 * while what it depends on is unchanged: the state's ETag and its live `.tflock`'s ETag (or none).
 * A lock taken and released between two backend reads (a plan) changes neither, so an entry is also
 * re-read after HISTORY_TTL_MS. At most MAX_ENTRIES are kept; a failed listing is not kept.
 */
import { getBucketVersioning, listKeyVersions, type BucketVersioning } from '../aws/state-bucket';
import { cachedRead, onClearCache } from '../server/cache';
import type { BackendConfig } from '../server/config';
import { LruCache } from '../server/lru-cache';
import { cacheKey } from './cache-keys';

const HISTORY_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 5_000;
const VERSIONING_TTL_MS = 60_000;

// On globalThis: Next.js may bundle this module more than once; one cache per replica.
const holderKey = Symbol.for('lockboard.lockfileHistory');
function histories(): LruCache<string | null> {
  const holder = globalThis as unknown as Record<symbol, LruCache<string | null> | undefined>;
  holder[holderKey] ??= new LruCache<string | null>(MAX_ENTRIES);
  return holder[holderKey];
}

onClearCache(() => {
  (globalThis as unknown as Record<symbol, unknown>)[holderKey] = undefined;
});

/** The newest `.tflock` version or delete marker of this state (null: none seen). */
export function lockfileLastSeen(backend: BackendConfig, state: { key: string; etag: string | null }, lockfileEtag: string | null, nowMs = Date.now()): Promise<string | null> {
  // Entries of a past period are no longer asked for; the LRU bound drops them.
  const period = Math.floor(nowMs / HISTORY_TTL_MS);
  const key = cacheKey(backend.id, state.key, state.etag ?? '', lockfileEtag ?? '', period);
  return histories().get(key, async () => (await listKeyVersions(backend, state.key, { lockfile: true })).lockfileVersions[0]?.lastModified ?? null);
}

/** The bucket's versioning, shared for a minute ('unknown' when it cannot be read). */
export function bucketVersioning(backend: BackendConfig): Promise<BucketVersioning | 'unknown'> {
  return cachedRead('bucket-versioning', backend.id, VERSIONING_TTL_MS, () => getBucketVersioning(backend).catch(() => 'unknown' as const));
}
