/**
 * What a digest repair should do, given what was just read (protocol reference §3.4, §4, §12). Pure:
 * the service reads the digest item and the object, this decides; the service then writes with a
 * condition on exactly the digest the operator saw.
 */
import { normalizeDigest, type DigestStatus } from './digest';

export interface DigestRepairInput {
  /** The `Digest` the operator saw (null: there was no digest item). */
  expected: string | null;
  /** The digest item as just read: null when absent; `digest` null when the item has no `Digest`. */
  current: { digest: string | null } | null;
  /** The state object as just read and hashed, or null when there is none. */
  object: { size: number; md5: string } | null;
}

export type DigestRepairPlan =
  /** Set `Digest` to the object's MD5 (conditional on the digest still being `expected`). */
  | { kind: 'set'; digest: string }
  /** Delete the digest item: no usable state object (missing, or 0 bytes, which Terraform reads as no state). */
  | { kind: 'delete' }
  /** The digest is no longer what the operator saw. */
  | { kind: 'changed'; current: string | null }
  /** Nothing to repair: the digest already matches, or there is neither digest nor object. */
  | { kind: 'nothing'; why: 'already_matches' | 'nothing_there' };

export function planDigestRepair(input: DigestRepairInput): DigestRepairPlan {
  const current = input.current === null ? null : input.current.digest;
  if (input.current !== null && current === null && input.expected === null) {
    // An item with no Digest attribute cannot be matched by "no item" nor by a value.
    return { kind: 'changed', current: null };
  }
  if (current !== input.expected) return { kind: 'changed', current };
  const object = input.object;
  if (object === null || object.size === 0) {
    return input.expected === null ? { kind: 'nothing', why: 'nothing_there' } : { kind: 'delete' };
  }
  const md5 = object.md5.toLowerCase();
  if (normalizeDigest(input.expected) === md5) return { kind: 'nothing', why: 'already_matches' };
  return { kind: 'set', digest: md5 };
}

/**
 * Whether a repair makes sense for a state as listed: Terraform fails on it (`mismatch`, `orphan`),
 * or its digest item holds a malformed value (status `missing` with a stored digest).
 */
export function digestNeedsRepair(entry: { digestStatus: DigestStatus; digest: string | null }): boolean {
  return entry.digestStatus === 'mismatch' || entry.digestStatus === 'orphan' || (entry.digestStatus === 'missing' && entry.digest !== null);
}
