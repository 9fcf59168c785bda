/**
 * Versions of a listing (states or locks of one backend) and the changes between two of them, so a
 * poll that finds nothing changed costs a few hundred bytes and one changed state costs that state.
 *
 * A version's token is a hash of its content, not a counter: every replica that read the same data
 * gives it the same token, so a client may poll any replica. Volatile fields (a lock's age, which
 * grows every second) are left out of the fingerprint by the caller; the client ages what it holds.
 *
 * Pure (no Node modules): a 53-bit FNV-style hash in plain TypeScript.
 */

export interface ListingVersion<T> {
  token: string;
  /** Identity → [fingerprint, item], in the listing's order. */
  entries: Map<string, [string, T]>;
}

export interface ListingDelta<T> {
  changed: T[];
  removed: string[];
}

/** A fast 53-bit string hash (cyrb53) fed piece by piece. Not cryptographic: it tells versions apart. */
class Hash53 {
  private h1: number;
  private h2: number;
  constructor(seed = 0) {
    this.h1 = 0xdeadbeef ^ seed;
    this.h2 = 0x41c6ce57 ^ seed;
  }
  update(text: string): this {
    let { h1, h2 } = this;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }
  digest(): string {
    let { h1, h2 } = this;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36).padStart(11, '0');
  }
}

export function hash53(text: string, seed = 0): string {
  return new Hash53(seed).update(text).digest();
}

/**
 * The version of a listing: `identity` names an item (two items never share one), `fingerprint` is
 * a short digest of its content without volatile fields (the caller hashes it, e.g. with hash53, and
 * may keep it with the item), `extra` what else the answer carries (errors, notices).
 */
export function listingVersion<T>(items: readonly T[], identity: (item: T) => string, fingerprint: (item: T) => string, extra = ''): ListingVersion<T> {
  const entries = new Map<string, [string, T]>();
  const whole = new Hash53().update(extra);
  for (const item of items) {
    const id = identity(item);
    const fp = fingerprint(item);
    entries.set(id, [fp, item]);
    whole.update('\u0000').update(id).update('\u0000').update(fp);
  }
  return { token: `${whole.digest()}${items.length.toString(36)}`, entries };
}

/** What changed from `from` to `to`: items new or different in `to`, identities gone. */
export function listingDelta<T>(from: ListingVersion<T>, to: ListingVersion<T>): ListingDelta<T> {
  const changed: T[] = [];
  for (const [id, [fp, item]] of to.entries) {
    if (from.entries.get(id)?.[0] !== fp) changed.push(item);
  }
  const removed: string[] = [];
  for (const id of from.entries.keys()) if (!to.entries.has(id)) removed.push(id);
  return { changed, removed };
}
