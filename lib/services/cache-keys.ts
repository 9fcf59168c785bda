/**
 * One spelling of every cache key the services build: the parts joined by NUL, which no backend id,
 * bucket name, S3 key, ETag or version ID contains, so `("a/b", "c")` and `("a", "b/c")` never collide.
 */
export type CacheKeyPart = string | number | boolean;

export function cacheKey(...parts: CacheKeyPart[]): string {
  return parts.map((p) => (typeof p === 'boolean' ? (p ? '1' : '0') : String(p))).join('\u0000');
}

/** The prefix shared by every key that starts with exactly these parts (for `invalidate`). */
export function cacheKeyPrefix(...parts: CacheKeyPart[]): string {
  return `${cacheKey(...parts)}\u0000`;
}
