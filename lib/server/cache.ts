/**
 * A short in-process cache with in-flight sharing: while a read is running every caller awaits the
 * same promise, and its result (value or error) is reused for `ttlMs`. This is what makes fifty
 * polling browsers cost AWS the same as one. An expired entry is never served: the next caller
 * waits for a new load. (Backend listings are not cached here: their watcher, lib/server/watcher.ts,
 * keeps them fresh.)
 */
import { recordCache } from './metrics';

interface Entry {
  expires: number;
  promise: Promise<unknown>;
  settled: boolean;
}

const MAX_ENTRIES = 5000;
// On globalThis: Next.js bundles this module more than once (routes, instrumentation); alerting
// evaluates reads from its own bundle and must share the content-addressed caches (.tflock bodies,
// state hashes) with the views instead of downloading them again.
const entriesKey = Symbol.for('lockboard.cacheEntries');
const entries: Map<string, Entry> = ((globalThis as unknown as Record<symbol, Map<string, Entry> | undefined>)[entriesKey] ??= new Map());

function start(ttlMs: number, load: () => Promise<unknown>): Entry {
  const entry: Entry = { expires: Number.POSITIVE_INFINITY, promise: Promise.resolve(), settled: false };
  entry.promise = load();
  entry.promise
    .catch(() => undefined)
    .finally(() => {
      entry.settled = true;
      entry.expires = Date.now() + ttlMs;
    });
  return entry;
}

/** Returns the cached (or in-flight) result for `key`, loading it when absent or expired. */
export function cachedRead<T>(cacheName: string, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const fullKey = `${cacheName}:${key}`;
  const now = Date.now();
  const hit = entries.get(fullKey);
  if (hit && (!hit.settled || hit.expires > now)) {
    recordCache(cacheName, 'hit');
    return hit.promise as Promise<T>;
  }
  recordCache(cacheName, 'miss');
  const entry = start(ttlMs, load);
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

const clearHooksKey = Symbol.for('lockboard.cacheClearHooks');
const clearHooks: Set<() => void> = ((globalThis as unknown as Record<symbol, Set<() => void> | undefined>)[clearHooksKey] ??= new Set());

/** Other process-wide caches (the backend watchers) that clearCache() must reset too. */
export function onClearCache(hook: () => void): void {
  clearHooks.add(hook);
}

/** Tests only. */
export function clearCache(): void {
  entries.clear();
  for (const hook of clearHooks) hook();
}
