/**
 * A lock's age in the browser. The change feed does not resend a lock whose only change is its age
 * (it grows every second), so the browser ages what it holds: the `ageSeconds` the server gave plus
 * the time since the browser received it (`receivedAt`, stamped when the row was merged in). Pure.
 */

export interface AgedLock {
  ageSeconds: number | null;
  /** Browser time (epoch ms) the row was received; absent: the age is as the server said. */
  receivedAt?: number;
}

/** The lock's age now (seconds), or null when unknown. */
export function ageNow(lock: AgedLock, now: number | null): number | null {
  if (lock.ageSeconds === null) return null;
  if (lock.receivedAt === undefined || now === null) return lock.ageSeconds;
  return lock.ageSeconds + Math.max(0, Math.floor((now - lock.receivedAt) / 1000));
}

/** A copy whose `ageSeconds` is the age now (for what is shown once: a dialog, a group's age range). */
export function agedCopy<T extends AgedLock>(lock: T, now: number): T {
  return lock.receivedAt === undefined ? lock : { ...lock, ageSeconds: ageNow(lock, now) };
}

/**
 * When the lock was taken, on the browser's clock (ms), for age order: it does not move as time
 * passes, so a sort by it holds. Unknown age: null.
 */
export function bornAt(lock: AgedLock): number | null {
  if (lock.ageSeconds === null) return null;
  return (lock.receivedAt ?? 0) - lock.ageSeconds * 1000;
}
