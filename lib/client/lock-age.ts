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

/** The ages in a lock's liveness evidence, which grow like the lock's own (the feed does not resend them either). */
interface AgedLiveness {
  ageSeconds: number | null;
  heartbeatAgeSeconds: number | null;
}

/** A copy whose `ageSeconds` (and its liveness's ages) are the ages now (for what is shown once: a dialog, a group's age range). */
export function agedCopy<T extends AgedLock & { liveness?: AgedLiveness | null }>(lock: T, now: number): T {
  if (lock.receivedAt === undefined) return lock;
  const since = Math.max(0, Math.floor((now - lock.receivedAt) / 1000));
  const grow = (s: number | null) => (s === null ? null : s + since);
  const liveness = lock.liveness ? { ...lock.liveness, ageSeconds: grow(lock.liveness.ageSeconds), heartbeatAgeSeconds: grow(lock.liveness.heartbeatAgeSeconds) } : lock.liveness;
  return { ...lock, ageSeconds: ageNow(lock, now), ...(lock.liveness === undefined ? {} : { liveness }) };
}

/**
 * When the lock was taken, on the browser's clock (ms), for age order: it does not move as time
 * passes, so a sort by it holds. Unknown age: null.
 */
export function bornAt(lock: AgedLock): number | null {
  if (lock.ageSeconds === null) return null;
  return (lock.receivedAt ?? 0) - lock.ageSeconds * 1000;
}
