/**
 * The S3 user metadata a Lockboard restore writes on the version it creates (`x-amz-meta-…`): which
 * version it restored, the lock ID it held and the operator. The mark travels with the version, so
 * any S3 tool sees it and it cannot disagree with the history. S3 sends metadata as HTTP headers,
 * which carry ASCII only: the operator (an e-mail, a JWT claim, any Unicode) is percent-encoded
 * where it is not printable ASCII, and bounded so the 2 KB metadata limit is never reached. Pure.
 */
import type { RestoreRecord } from './attribution';

/** The version a Lockboard restore restored. */
export const RESTORED_FROM_METADATA = 'lockboard-restored-from';
/** The lock ID Lockboard held while writing it: proves a version is Lockboard's own write. */
export const RESTORE_LOCK_METADATA = 'lockboard-lock-id';
/** The operator who restored, percent-encoded where not printable ASCII. */
export const RESTORED_BY_METADATA = 'lockboard-restored-by';

/** Longest encoded operator stored (a UTF-8 character takes up to 12 encoded characters). */
export const MAX_RESTORED_BY_CHARS = 512;
const ELLIPSIS = '%E2%80%A6';

function encodeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code >= 0x21 && code <= 0x7e && ch !== '%') return ch;
  // A lone surrogate cannot be UTF-8 encoded: it becomes U+FFFD.
  return code >= 0xd800 && code <= 0xdfff ? '%EF%BF%BD' : encodeURIComponent(ch);
}

/**
 * The operator as an ASCII metadata value: printable ASCII kept (so `alice@example.com` reads as
 * itself in any S3 tool), everything else (spaces, `%`, control and non-ASCII characters) as UTF-8
 * percent escapes; past MAX_RESTORED_BY_CHARS it is cut at a character boundary and ends with "…".
 */
export function encodeRestoredBy(user: string): string {
  let out = '';
  for (const ch of user) {
    const encoded = encodeChar(ch);
    if (out.length + encoded.length > MAX_RESTORED_BY_CHARS - ELLIPSIS.length) return out + ELLIPSIS;
    out += encoded;
  }
  return out;
}

/** The operator back from its metadata value; a value that is not valid percent-encoding is shown as stored. */
export function decodeRestoredBy(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The restore record of a version from its user metadata (names lowercase), or null when Lockboard did not write it. */
export function restoreRecordOf(metadata: Readonly<Record<string, string>>): RestoreRecord | null {
  const from = metadata[RESTORED_FROM_METADATA];
  if (!from) return null;
  const by = metadata[RESTORED_BY_METADATA];
  return { from, by: by ? decodeRestoredBy(by) : null, lockId: metadata[RESTORE_LOCK_METADATA] ?? null };
}
