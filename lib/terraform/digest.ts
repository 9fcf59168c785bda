/**
 * Digest health of a state: whether Terraform would accept the S3 object given the `Digest` of its
 * `<bucket>/<key>-md5` item (protocol reference §3.4, §4, §10, §12). Pure: the service hands over
 * what it listed, scanned and (only when needed) downloaded and hashed.
 */
import { digestLockId } from './paths';

/**
 * `missing`: the backend keeps digests (it has a DynamoDB table) but this state has none usable;
 * `not_applicable`: the backend locks with `.tflock` files only, so neither Terraform (no
 * `dynamodb_table`) nor OpenTofu keeps a digest: nothing is missing, there is none by design.
 */
export type DigestStatus = 'match' | 'mismatch' | 'missing' | 'orphan' | 'unverified' | 'not_applicable';

export const DIGEST_STATUSES: readonly DigestStatus[] = ['match', 'mismatch', 'missing', 'orphan', 'unverified', 'not_applicable'];

/** The status in a few words, where the bare code would mislead (a badge, a count). */
export const DIGEST_STATUS_LABEL: Record<DigestStatus, string> = {
  match: 'match',
  mismatch: 'mismatch',
  missing: 'missing',
  orphan: 'orphan',
  unverified: 'unverified',
  not_applicable: 'no digest: lock files only',
};

/** Why a lockfile-only backend has no digest (shown wherever its digest would be). */
export const NO_DIGEST_BY_DESIGN = 'Lock files only (no DynamoDB table): Terraform keeps a digest only in a lock table and OpenTofu keeps none, so there is no digest to check, by design.';

const HEX32 = /^[0-9a-fA-F]{32}$/;

/** A Digest Terraform can use: exactly 32 hex characters (hex.DecodeString accepts either case). */
export function isValidDigest(digest: string | null | undefined): digest is string {
  return typeof digest === 'string' && HEX32.test(digest);
}

/** The digest as lowercase hex, or null when absent or malformed (Terraform then skips the check). */
export function normalizeDigest(digest: string | null | undefined): string | null {
  return isValidDigest(digest) ? digest.toLowerCase() : null;
}

/** Whether an ETag (quotes stripped) is a plain MD5: 32 hex, no multipart `-N` suffix. */
export function isPlainMd5Etag(etag: string): boolean {
  return HEX32.test(etag);
}

export interface ObjectFacts {
  etag: string;
  size: number;
  /**
   * `x-amz-server-side-encryption` when known (a listing does not say). `aws:kms`/`aws:kms:dsse`,
   * or SSE-C (`sseCustomer`), make the ETag something other than the MD5.
   */
  serverSideEncryption?: string | null;
  sseCustomer?: boolean;
}

function etagMayBeMd5(object: ObjectFacts): boolean {
  const sse = object.serverSideEncryption ?? '';
  return isPlainMd5Etag(object.etag) && !sse.startsWith('aws:kms') && !object.sseCustomer;
}

/**
 * The ETag fast path: true when the ETag alone proves the object's MD5 equals the digest, so no
 * download is needed. A plain 32-hex ETag of a non-KMS, non-SSE-C single PUT is the MD5 of the bytes.
 */
export function etagProvesDigest(object: ObjectFacts, digest: string | null | undefined): boolean {
  const expected = normalizeDigest(digest);
  return expected !== null && etagMayBeMd5(object) && object.etag.toLowerCase() === expected;
}

/**
 * Whether the object must be downloaded and hashed to know its status. Not when there is no usable
 * digest (nothing to compare), not for an empty object (Terraform reads it as "no state"), not when
 * the ETag already proves a match. A 32-hex ETag that differs may still be an SSE-KMS object whose
 * bytes match, and a multipart `-N` ETag says nothing about the MD5: both need the bytes.
 */
export function needsDownload(object: ObjectFacts, digest: string | null | undefined): boolean {
  if (normalizeDigest(digest) === null || object.size === 0) return false;
  return !etagProvesDigest(object, digest);
}

export interface DigestInput {
  /** The state object, or null when only a digest item exists. */
  object: ObjectFacts | null;
  /** The raw `Digest` attribute (null: no digest item). */
  digest: string | null;
  /** False when the backend has no DynamoDB table (lockfile-only: Terraform keeps no digest). */
  hasTable: boolean;
  /** Why the digest items could not be read, when the table scan failed. */
  tableError?: string;
  /** MD5 (hex) of the downloaded bytes, when they were downloaded. */
  calculatedMd5?: string | null;
  /** Why the download failed (AccessDenied on a KMS key, archived object, …). */
  downloadError?: string;
}

export interface DigestVerdict {
  status: DigestStatus;
  /** A short reason, always set for `unverified`, and for `missing` when there is a cause worth naming. */
  reason?: string;
  /** The MD5 Terraform will calculate (known from a matching ETag or a download), or null. */
  calculatedMd5: string | null;
}

/** Terraform's consistency check (§4.1) as a verdict. */
export function digestStatus(input: DigestInput): DigestVerdict {
  const { object, digest } = input;
  if (!input.hasTable) return { status: 'not_applicable', reason: NO_DIGEST_BY_DESIGN, calculatedMd5: null };
  if (input.tableError !== undefined) return { status: 'unverified', reason: `The digest items could not be read: ${input.tableError}`, calculatedMd5: null };
  const expected = normalizeDigest(digest);
  if (object === null) {
    // Malformed digest with no object: Terraform ignores it, nothing fails.
    return expected === null
      ? { status: 'missing', reason: 'Malformed digest item without a state object; Terraform ignores it.', calculatedMd5: null }
      : { status: 'orphan', calculatedMd5: null };
  }
  if (digest === null) return { status: 'missing', calculatedMd5: null };
  if (expected === null) return { status: 'missing', reason: `The Digest "${digest}" is not 32 hex characters; Terraform ignores it and skips the check.`, calculatedMd5: null };
  // An empty object is "no state" to Terraform: it computes no checksum, so any digest fails.
  if (object.size === 0) return { status: 'mismatch', reason: 'The state object is empty (0 bytes); Terraform reads it as no state.', calculatedMd5: null };
  if (etagProvesDigest(object, digest)) return { status: 'match', calculatedMd5: expected };
  if (input.downloadError !== undefined) return { status: 'unverified', reason: `The state object could not be downloaded to check it: ${input.downloadError}`, calculatedMd5: null };
  if (input.calculatedMd5 === undefined || input.calculatedMd5 === null) {
    return { status: 'unverified', reason: 'The ETag is not the MD5 of the object and the object was not downloaded.', calculatedMd5: null };
  }
  const calculated = input.calculatedMd5.toLowerCase();
  return { status: calculated === expected ? 'match' : 'mismatch', calculatedMd5: calculated };
}

export interface DigestExplanation {
  /** What Terraform will do. */
  consequence: string;
  /** How to fix it. */
  fix: string;
  /** The value to store as Digest, when setting it is a fix. */
  setDigestTo: string | null;
}

const FAILS =
  'Terraform (and OpenTofu) will refuse to use this state: after retrying for about 10 seconds they stop with ' +
  '"state data in S3 does not have the expected content".';

/** Plain words for the statuses Terraform fails on (mismatch, orphan); null for the others. */
export function explainDigest(entry: { status: DigestStatus; bucket: string; key: string; digest: string | null; calculatedMd5: string | null; objectEmpty?: boolean }): DigestExplanation | null {
  const item = digestLockId(entry.bucket, entry.key);
  const stored = normalizeDigest(entry.digest) ?? entry.digest ?? '(none)';
  if (entry.status === 'orphan' || (entry.status === 'mismatch' && (entry.objectEmpty || entry.calculatedMd5 === null))) {
    const what = entry.status === 'orphan' ? 'The digest item remains but the state object is gone' : 'The state object is empty, so Terraform sees no state';
    return {
      consequence: `${what}, so Terraform calculates no checksum to compare with the stored ${stored}. ${FAILS}`,
      fix: `If the state was removed on purpose, delete the DynamoDB item "${item}". Otherwise restore the state object (for example its previous version), whose MD5 must equal ${stored}.`,
      setDigestTo: null,
    };
  }
  if (entry.status === 'mismatch') {
    return {
      consequence: `The MD5 of the object in S3 is ${entry.calculatedMd5}, but the digest stored in "${item}" is ${stored}. ${FAILS}`,
      fix: `If the object in S3 is the state you want, set Digest of "${item}" to ${entry.calculatedMd5}. Otherwise restore the intended version of the state (the one whose MD5 is ${stored}).`,
      setDigestTo: entry.calculatedMd5,
    };
  }
  return null;
}

/** Short labels for the status badge. */
export const DIGEST_STATUS_TEXT: Record<DigestStatus, string> = {
  match: 'Digest matches: Terraform accepts this state.',
  mismatch: 'Digest differs from the object: Terraform will fail to read this state.',
  missing: 'No usable digest item although the backend has a lock table: Terraform skips the check.',
  orphan: 'Digest item without a state object: Terraform will fail.',
  unverified: 'Could not be checked.',
  not_applicable: NO_DIGEST_BY_DESIGN,
};
