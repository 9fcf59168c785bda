import 'server-only';
/**
 * The diff between two versions of one state, with every sensitive value masked. Both versions are
 * downloaded once, parsed, diffed and dropped: only the (masked, capped) diff is kept, for a few
 * recent pairs, so paging through a large diff does not download 2 × 20 MB again. Without `from`/
 * `to` it compares the latest version with the one before.
 */
import { listKeyVersions } from '../aws/state-bucket';
import type { BackendConfig } from '../server/config';
import { DEFAULT_DIFF_LIMIT, MAX_DIFF_LIMIT, type DiffResult } from '../api/diff';
import { AppError } from '../api/errors';
import { LruCache } from '../server/lru-cache';
import { diffStates, pageOfDiff } from '../terraform/state-diff';
import { parseStateFile } from '../terraform/state-file';
import { cacheKey } from './cache-keys';
import { assertStateKey, NULL_VERSION_ID, readStateVersion } from './state-version';


type FullDiff = Omit<DiffResult, 'page'>;

/** Masked diffs of recent pairs (each at most a few MB: values are capped). */
const diffCache = new LruCache<FullDiff>(6);

async function computeDiff(backend: BackendConfig, key: string, from: string, to: string): Promise<FullDiff> {
  // Both downloads at once; each document is parsed and its bytes released before the diff runs.
  const [a, b] = await Promise.all([readStateVersion(backend, key, from), readStateVersion(backend, key, to)]);
  const fromLastModified = a.lastModified;
  const toLastModified = b.lastModified;
  const before = parseStateFile(a.bytes);
  const after = parseStateFile(b.bytes);
  const diff = diffStates(before, after);
  return {
    ...diff,
    key,
    from: { ...diff.from, versionId: from, lastModified: fromLastModified },
    to: { ...diff.to, versionId: to, lastModified: toLastModified },
  };
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

export async function diffVersions(backend: BackendConfig, key: string, opts: { from?: string; to?: string; offset?: number; limit?: number } = {}): Promise<DiffResult> {
  assertStateKey(backend, key);
  const { from, to } = opts.from !== undefined && opts.to !== undefined ? { from: opts.from, to: opts.to } : await defaultPair(backend, key, opts.from, opts.to);
  const cacheable = from !== NULL_VERSION_ID && to !== NULL_VERSION_ID;
  const full = cacheable ? await diffCache.get(cacheKey(backend.bucket, key, from, to), () => computeDiff(backend, key, from, to)) : await computeDiff(backend, key, from, to);
  const offset = opts.offset ?? 0;
  const limit = Math.min(opts.limit ?? DEFAULT_DIFF_LIMIT, MAX_DIFF_LIMIT);
  return pageOfDiff(full, offset, limit);
}

/** Tests only. */
export function clearDiffCache(): void {
  diffCache.clear();
}
