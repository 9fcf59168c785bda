import 'server-only';
/**
 * Which versions of a state Lockboard wrote by restoring another one, for the timeline's "restored
 * from <version>" mark and "restored by <operator> via Lockboard" writer.
 *
 * The mark lives on the version itself, as S3 user metadata (lib/terraform/restore-metadata.ts)
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
import type { RestoreRecord } from '../terraform/attribution';
import { restoreRecordOf } from '../terraform/restore-metadata';
import { cacheKey } from './cache-keys';
import { assertStateKey, NULL_VERSION_ID } from './state-version';

const HEAD_CONCURRENCY = 8;

/** The restore record by (bucket, key, version ID); null = not a restore. */
const records = new LruCache<RestoreRecord | null>(50_000);

export type { RestoreMarks } from '../api/versions';

/** The restore record of one version (one HeadObject, then cached; the "null" version can be overwritten, so it is never cached). Throws when unreadable. */
export function readRestoreRecord(backend: BackendConfig, key: string, versionId: string): Promise<RestoreRecord | null> {
  const load = async () => {
    const head = await headObject(backend, key, versionId);
    return head === null ? null : restoreRecordOf(head.metadata);
  };
  return versionId === NULL_VERSION_ID ? load() : records.get(cacheKey(backend.bucket, key, versionId), load);
}

export async function restoreMarks(backend: BackendConfig, key: string, versionIds: readonly string[]): Promise<RestoreMarks> {
  assertStateKey(backend, key);
  const ids = [...new Set(versionIds)].slice(0, MAX_MARKED_VERSIONS);
  const result: RestoreMarks = { key, marks: {}, restoredBy: {}, unreadable: [] };
  await mapLimit(ids, HEAD_CONCURRENCY, async (versionId) => {
    try {
      const record = await readRestoreRecord(backend, key, versionId);
      if (!record) return;
      result.marks[versionId] = record.from;
      if (record.by !== null) result.restoredBy[versionId] = { by: record.by, lockId: record.lockId };
    } catch {
      result.unreadable.push(versionId);
    }
  });
  return result;
}
