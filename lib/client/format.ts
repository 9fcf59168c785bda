/** Display helpers shared by components. Pure. Times: lib/client/time-format.ts. */

export function formatAge(seconds: number | null): string {
  if (seconds === null) return 'unknown age';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** What a lock problem code means, in a sentence (shown inline beside its label; see lib/client/lock-words). */
export const LOCK_PROBLEM_TEXT: Record<string, string> = {
  malformed_info: 'The lock info is not valid LockInfo JSON: who holds the lock and why cannot be read.',
  missing_id: 'The lock has no ID: terraform force-unlock cannot name it.',
  bad_created: 'Created is not a timestamp: the age of the lock is unknown.',
  split_lock: 'DynamoDB and .tflock disagree.',
  path_mismatch: 'The Path in the lock info differs from the state key it locks.',
  other_bucket: 'A lock of another bucket in a shared lock table: shown, not released from here.',
  unreadable_lockfile: 'The .tflock object could not be read.',
  oversized: 'The lock info is far larger than Terraform writes: its fields are shown cut.',
  unverified_freeze:
    'It says "lockboard-freeze … via Lockboard", but Lockboard has no signed record of taking it (any lock writer can write those words, and freezes taken before freezes were signed have none): treated as an ordinary lock.',
};
