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

/** Human text for a lock problem code. */
export const LOCK_PROBLEM_TEXT: Record<string, string> = {
  malformed_info: 'Info is not valid LockInfo JSON',
  missing_id: 'no lock ID',
  bad_created: 'Created is not a timestamp',
  split_lock: 'DynamoDB and .tflock disagree',
  path_mismatch: 'Path differs from the key',
  other_bucket: 'lock of another bucket',
  unreadable_lockfile: '.tflock could not be read',
};
