/**
 * What is derived from one backend read (the locks, the states), shared by every request that asks
 * within the same second: fifty viewers polling one read cost one evaluation per second, not fifty
 * (ages are whole seconds). Keyed weakly by the read, so a replaced read frees its results.
 */
const SAME_MOMENT_MS = 1_000;

export function snapshotMemo<T>(): (snapshot: object, nowMs: number, derive: () => Promise<T>) => Promise<T> {
  const memo = new WeakMap<object, { atMs: number; value: Promise<T> }>();
  return (snapshot, nowMs, derive) => {
    const hit = memo.get(snapshot);
    if (hit && nowMs >= hit.atMs && nowMs - hit.atMs < SAME_MOMENT_MS) return hit.value;
    const value = derive();
    memo.set(snapshot, { atMs: nowMs, value });
    return value;
  };
}
