import 'server-only';
/**
 * Which versions of a state Lockboard wrote by restoring another one, for the timeline's "restored
 * from <version>" mark.
 *
 * The mark lives on the version itself, as S3 user metadata (`x-amz-meta-lockboard-restored-from`)
 * written by the restore's PutObject: it travels with the object, is visible to any S3 tool, does not
 * depend on where (or whether) the audit log is kept, and cannot disagree with the history. The
 * listing does not return metadata, so each asked version costs one HeadObject; a version's metadata
 * never changes, so the answer is cached by version ID without expiry, and a timeline that keeps
 * polling costs nothing after the first look. The caller asks only for the versions it shows.
 */
import { MAX_MARKED_VERSIONS, type RestoreMarks } from '../api/versions';
import { headObject } from '../aws/state-bucket';
import type { BackendConfig } from '../server/config';
import { mapLimit } from '../server/concurrency';
import { LruCache } from '../server/lru-cache';
import { cacheKey } from './cache-keys';
import { RESTORED_FROM_METADATA } from './restore-version';
import { assertStateKey, NULL_VERSION_ID } from './state-version';

const HEAD_CONCURRENCY = 8;

/** restored-from by (bucket, key, version ID); null = not a restore. */
const marks = new LruCache<string | null>(50_000);

export type { RestoreMarks } from '../api/versions';

export async function restoreMarks(backend: BackendConfig, key: string, versionIds: readonly string[]): Promise<RestoreMarks> {
  assertStateKey(backend, key);
  const ids = [...new Set(versionIds)].slice(0, MAX_MARKED_VERSIONS);
  const result: RestoreMarks = { key, marks: {}, unreadable: [] };
  await mapLimit(ids, HEAD_CONCURRENCY, async (versionId) => {
    const load = async () => (await headObject(backend, key, versionId))?.metadata[RESTORED_FROM_METADATA] ?? null;
    try {
      // The "null" version can be overwritten, so it is never cached.
      const from = versionId === NULL_VERSION_ID ? await load() : await marks.get(cacheKey(backend.bucket, key, versionId), load);
      if (from) result.marks[versionId] = from;
    } catch {
      result.unreadable.push(versionId);
    }
  });
  return result;
}
