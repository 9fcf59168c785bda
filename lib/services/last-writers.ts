import 'server-only';
/**
 * The last writer of each state the states view shows: the current version attributed like the
 * timeline does (the key's version list with its `.tflock` history, the lock bodies needed, and the
 * version's own metadata for a Lockboard restore). Computed lazily, only for the keys the browser
 * asks for (a bounded count per request), never by the inventory index, so indexing stays as cheap
 * as it is.
 *
 * Cost: the current ETag and LastModified of each key come from the backend snapshot the states
 * view already reads; an answer is cached by (key, ETag, LastModified), so re-polls cost nothing
 * until a key is written. A miss costs the key's version listing (shared with the state page for
 * `cacheSeconds`), one HeadObject of the current version and the lock bodies needed (both cached by
 * version ID for good).
 */
import { MAX_LAST_WRITER_KEYS, type LastWriter, type LastWritersResult } from '../api/last-writers';
import { AppError } from '../api/errors';
import type { ObjectSummary } from '../aws/state-bucket';
import { mapLimit } from '../server/concurrency';
import type { BackendConfig } from '../server/config';
import { LruCache } from '../server/lru-cache';
import { CLOCK_TOLERANCE_MS, withRestoreRecord } from '../terraform/attribution';
import { getSnapshot, type BackendSnapshot } from './backend-snapshot';
import { cacheKey } from './cache-keys';
import { attributeFromHistory, listWithLockHistory } from './list-versions';
import { readRestoreRecord } from './restore-marks';
import { assertStateKey } from './state-version';

const KEY_CONCURRENCY = 4;
/** A version this recent may still gain a nearby lock (or its lock's release) in the history: not cached yet. */
const SETTLE_MS = 4 * CLOCK_TOLERANCE_MS;

/** Last writer by (bucket, key, ETag, LastModified): a version never changes its writer. */
const answers = new LruCache<LastWriter>(20_000);

const indexes = new WeakMap<BackendSnapshot, Map<string, ObjectSummary>>();
function objectIndex(snapshot: BackendSnapshot): Map<string, ObjectSummary> {
  let index = indexes.get(snapshot);
  if (!index) indexes.set(snapshot, (index = new Map((snapshot.objects ?? []).map((o) => [o.key, o]))));
  return index;
}

async function attributeCurrent(backend: BackendConfig, key: string): Promise<LastWriter | null> {
  const listed = await listWithLockHistory(backend, key);
  const latest = listed.versions.find((v) => v.isLatest) ?? listed.versions[0];
  if (!latest || latest.deleteMarker) return null;
  const [attribution, record] = await Promise.all([attributeFromHistory(backend, key, listed, [latest]), readRestoreRecord(backend, key, latest.versionId)]);
  const a = withRestoreRecord(attribution.get(latest.versionId) ?? { writer: null, basis: 'none' }, record);
  return { key, versionId: latest.versionId, etag: latest.etag, lastModified: latest.lastModified, writer: a.writer, attribution: a.basis, lockHistoryEntries: listed.lockfileVersions.length };
}

function cacheable(answer: LastWriter, nowMs: number): boolean {
  if (answer.attribution === 'unreadable') return false;
  const t = answer.lastModified === null ? Number.NaN : Date.parse(answer.lastModified);
  return Number.isFinite(t) && nowMs - t > SETTLE_MS;
}

export async function lastWriters(backend: BackendConfig, keys: readonly string[], nowMs = Date.now()): Promise<LastWritersResult> {
  const wanted = [...new Set(keys)].slice(0, MAX_LAST_WRITER_KEYS);
  wanted.forEach((key) => assertStateKey(backend, key));
  const snapshot = await getSnapshot(backend);
  if (snapshot.bucketError) throw snapshot.bucketError;
  const index = objectIndex(snapshot);
  const result: LastWritersResult = { writers: [], missing: [], unreadable: [] };
  await mapLimit(wanted, KEY_CONCURRENCY, async (key) => {
    const listed = index.get(key);
    if (!listed) {
      result.missing.push(key);
      return;
    }
    const id = cacheKey(backend.bucket, key, listed.etag, listed.lastModified ?? '');
    try {
      const cached = answers.peek(id);
      const answer = cached ? await cached : await attributeCurrent(backend, key);
      // Kept only under the version actually attributed (the listing may be a moment older than S3).
      if (!cached && answer && cacheable(answer, nowMs) && answer.etag === listed.etag && answer.lastModified === listed.lastModified) {
        void answers.get(id, () => Promise.resolve(answer));
      }
      if (answer) result.writers.push(answer);
      else result.missing.push(key);
    } catch (e) {
      result.unreadable.push({ key, message: e instanceof AppError ? e.message : 'the version history could not be read' });
    }
  });
  result.writers.sort((a, b) => a.key.localeCompare(b.key));
  return result;
}
