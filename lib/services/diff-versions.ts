import 'server-only';
/**
 * The diff between two versions of one state, with every sensitive value masked. Both versions are
 * downloaded once, parsed, diffed and dropped: only the (masked, capped) diff is kept, for a few
 * recent pairs, so paging through a large diff does not download 2 × 20 MB again. Without `from`/
 * `to` it compares the latest version with the one before. The work runs in a worker thread with a
 * heap limit and a deadline (lib/server/off-thread.ts), so no state can stall or exhaust the replica.
 */
import { listKeyVersions } from '../aws/state-bucket';
import type { BackendConfig } from '../server/config';
import { DEFAULT_DIFF_LIMIT, MAX_DIFF_LIMIT, type DiffResult } from '../api/diff';
import { AppError } from '../api/errors';
import { withHeavyRead, type HeavyReader } from '../server/heavy-reads';
import { LruCache } from '../server/lru-cache';
import { ownBytes, runOffThread } from '../server/off-thread';
import { MAX_DIFF_DEPTH, pageOfDiff } from '../terraform/state-diff';
import { cacheKey } from './cache-keys';
import { assertStateKey, NULL_VERSION_ID, readStateVersion } from './state-version';

type FullDiff = Omit<DiffResult, 'page'>;

/** Masked diffs of recent pairs (each at most a few MB: values are capped). */
const diffCache = new LruCache<FullDiff>(6);

/**
 * Downloads both versions (each at most MAX_JOB_BYTES) and diffs them in a worker thread: off the
 * event loop, within a heap limit and a deadline (422 `state_too_large` past any of them). Holds one
 * of `caller`'s heavy-read slots from the first byte read to the answer.
 */
async function computeDiff(backend: BackendConfig, key: string, from: string, to: string, caller: HeavyReader): Promise<FullDiff> {
  return withHeavyRead(caller, async () => {
    const [a, b] = await Promise.all([readStateVersion(backend, key, from, 'diff'), readStateVersion(backend, key, to, 'diff')]);
    const answer = await runOffThread({ kind: 'diff', before: ownBytes(a.bytes), after: ownBytes(b.bytes) }, 'diff', { backend: backend.id, key });
    if (!answer.ok) {
      const versionId = answer.side === 'from' ? from : to;
      throw new AppError('state_too_large', `Version ${versionId} of ${key} nests values more than ${MAX_DIFF_DEPTH} levels deep, deeper than the diff follows, so it cannot be compared here (download it instead).`, {
        backend: backend.id,
        key,
        versionId,
        operation: 'diff',
        reason: 'depth',
        limit: MAX_DIFF_DEPTH,
      });
    }
    if (answer.kind !== 'diff') throw new Error(`unexpected answer to a diff job: ${answer.kind}`);
    const { diff } = answer;
    return {
      ...diff,
      key,
      from: { ...diff.from, versionId: from, lastModified: a.lastModified },
      to: { ...diff.to, versionId: to, lastModified: b.lastModified },
    };
  });
}

/** The latest version with content and the one before it (delete markers have no content). */
async function defaultPair(backend: BackendConfig, key: string, from?: string, to?: string): Promise<{ from: string; to: string }> {
  const { versions } = await listKeyVersions(backend, key);
  const withContent = versions.filter((v) => !v.deleteMarker);
  const toVersion = to ?? withContent[0]?.versionId;
  if (toVersion === undefined) throw new AppError('state_not_found', `There is no version of ${key} in backend "${backend.id}".`, { backend: backend.id, key });
  if (from !== undefined) return { from, to: toVersion };
  const index = withContent.findIndex((v) => v.versionId === toVersion);
  if (index === -1) throw new AppError('version_not_found', `Version "${toVersion}" of ${key} does not exist.`, { backend: backend.id, key, versionId: toVersion });
  const previous = withContent[index + 1];
  if (!previous) throw new AppError('version_not_found', `Version "${toVersion}" is the oldest version of ${key}: there is no earlier version to compare it with.`, { backend: backend.id, key, versionId: toVersion });
  return { from: previous.versionId, to: toVersion };
}

/** One page of the diff; `caller` is who the heavy read counts against (a cached pair needs none). */
export async function diffVersions(backend: BackendConfig, key: string, opts: { from?: string; to?: string; offset?: number; limit?: number } = {}, caller: HeavyReader = null): Promise<DiffResult> {
  assertStateKey(backend, key);
  const { from, to } = opts.from !== undefined && opts.to !== undefined ? { from: opts.from, to: opts.to } : await defaultPair(backend, key, opts.from, opts.to);
  const cacheable = from !== NULL_VERSION_ID && to !== NULL_VERSION_ID;
  const full = cacheable ? await diffCache.get(cacheKey(backend.bucket, key, from, to), () => computeDiff(backend, key, from, to, caller)) : await computeDiff(backend, key, from, to, caller);
  const offset = opts.offset ?? 0;
  const limit = Math.min(opts.limit ?? DEFAULT_DIFF_LIMIT, MAX_DIFF_LIMIT);
  return pageOfDiff(full, offset, limit);
}

/** Tests only. */
export function clearDiffCache(): void {
  diffCache.clear();
}
