/**
 * When a `.tflock` is an orphan the migration clean-up may release: one rule for the migration view
 * (what it lists) and for the clean-up (what it re-checks on a fresh read right before releasing).
 * Pure: no I/O.
 */
import type { Lock } from './locks';

/**
 * Why `lock` is an orphaned `.tflock`, or null when it is not one: it must be stale, a `.tflock`
 * alone, and either have no state object next to it (a client crashed before writing any state) or
 * lack its DynamoDB side in dual mode. A live or fresh lock is never an orphan, whoever asks.
 */
export function orphanLockfileWhy(lock: Pick<Lock, 'stale' | 'sources' | 'problems' | 'seen'>, stateExists: boolean): string | null {
  if (!lock.stale || lock.sources.length !== 1 || lock.sources[0] !== 's3' || !lock.seen.lockfileEtag) return null;
  if (!stateExists) return 'A stale .tflock with no state object next to it: a client crashed before it wrote any state.';
  if (lock.problems.includes('split_lock')) return 'A stale .tflock without its DynamoDB side in dual mode: a client crashed between taking the two locks, or only half was released.';
  return null;
}
