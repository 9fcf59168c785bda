/**
 * A short in-process cache with in-flight sharing: while a read is running every caller awaits the
 * same promise, and its result (value or error) is reused for `ttlMs`. This is what makes fifty
 * polling browsers cost AWS the same as one. Nothing here outlives a few seconds (or `staleMs`),
 * so replicas behind a load balancer stay interchangeable.
 *
 * With `staleMs`, an expired value is still served (for at most that long past its expiry) while one
 * background read refreshes it: a viewer never waits for a slow listing once there is a recent one,
 * and AWS still sees at most one read per TTL. Errors are never served stale.
 */
import { recordCache } from './metrics';

interface Entry {
  expires: number;
  promise: Promise<unknown>;
  settled: boolean;
  ok: boolean;
  refreshing: boolean;
}

export interface CacheOptions {
  /** How long past expiry a successful value may still be served while it is refreshed. */
  staleMs?: number;
}

const MAX_ENTRIES = 5000;
const entries = new Map<string, Entry>();

function start(fullKey: string, ttlMs: number, load: () => Promise<unknown>): Entry {
  const entry: Entry = { expires: Number.POSITIVE_INFINITY, promise: Promise.resolve(), settled: false, ok: false, refreshing: false };
  entry.promise = load().then(
    (value) => {
      entry.ok = true;
      return value;
    },
    (error: unknown) => {
      throw error;
    },
  );
  entry.promise
    .catch(() => undefined)
    .finally(() => {
      entry.settled = true;
      entry.expires = Date.now() + ttlMs;
    });
  return entry;
}

/** Returns the cached (or in-flight) result for `key`, loading it when absent or expired. */
export function cachedRead<T>(cacheName: string, key: string, ttlMs: number, load: () => Promise<T>, options: CacheOptions = {}): Promise<T> {
  const fullKey = `${cacheName}:${key}`;
  const now = Date.now();
  const hit = entries.get(fullKey);
  if (hit && (!hit.settled || hit.expires > now)) {
    recordCache(cacheName, 'hit');
    return hit.promise as Promise<T>;
  }
  if (hit && hit.ok && options.staleMs && now < hit.expires + options.staleMs) {
    recordCache(cacheName, 'stale');
    if (!hit.refreshing) {
      hit.refreshing = true;
      const next = start(fullKey, ttlMs, load);
      // Swap in the fresh result once it is there (a failure too: errors must surface).
      next.promise
        .catch(() => undefined)
        .finally(() => {
          if (entries.get(fullKey) === hit) entries.set(fullKey, next);
        });
    }
    return hit.promise as Promise<T>;
  }
  recordCache(cacheName, 'miss');
  const entry = start(fullKey, ttlMs, load);
  entries.set(fullKey, entry);
  if (entries.size > MAX_ENTRIES) evictExpired(now);
  return entry.promise as Promise<T>;
}

/** Drops every entry whose key starts with `cacheName:prefix` (after a mutation, say). */
export function invalidate(cacheName: string, prefix = ''): void {
  const head = `${cacheName}:${prefix}`;
  for (const key of entries.keys()) if (key.startsWith(head)) entries.delete(key);
}

function evictExpired(now: number): void {
  for (const [key, entry] of entries) if (entry.settled && entry.expires <= now) entries.delete(key);
  // Still too big: drop the oldest insertions (Map keeps insertion order).
  for (const key of entries.keys()) {
    if (entries.size <= MAX_ENTRIES) break;
    entries.delete(key);
  }
}

/** Tests only. */
export function clearCache(): void {
  entries.clear();
}
