import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIGEST_STATUS_LABEL, DIGEST_STATUSES, NO_DIGEST_BY_DESIGN, digestStatus, etagProvesDigest, explainDigest, isPlainMd5Etag, isValidDigest, needsDownload, normalizeDigest, type DigestInput } from './digest';

const body = '{\n  "version": 4\n}\n';
const MD5 = crypto.createHash('md5').update(body).digest('hex');
const OTHER = crypto.createHash('md5').update('other').digest('hex');
const MULTIPART = `${OTHER.slice(0, 32)}-3`;

const base: DigestInput = { object: { etag: MD5, size: body.length }, digest: MD5, hasTable: true };

describe('digest validity', () => {
  it('accepts exactly 32 hex characters of either case', () => {
    expect(isValidDigest(MD5)).toBe(true);
    expect(isValidDigest(MD5.toUpperCase())).toBe(true);
    expect(normalizeDigest(MD5.toUpperCase())).toBe(MD5);
  });

  it('treats anything else as absent', () => {
    for (const bad of ['', MD5.slice(1), `${MD5}0`, `${MD5.slice(2)}zz`, ` ${MD5.slice(1)}`, null, undefined]) {
      expect(isValidDigest(bad)).toBe(false);
      expect(normalizeDigest(bad)).toBeNull();
    }
  });
});

describe('the ETag fast path', () => {
  it('recognises a plain MD5 ETag, not a multipart one', () => {
    expect(isPlainMd5Etag(MD5)).toBe(true);
    expect(isPlainMd5Etag(MULTIPART)).toBe(false);
    expect(isPlainMd5Etag('')).toBe(false);
  });

  it('proves a match without download when a plain ETag equals the digest (any case)', () => {
    expect(etagProvesDigest({ etag: MD5, size: 10 }, MD5.toUpperCase())).toBe(true);
    expect(needsDownload({ etag: MD5, size: 10 }, MD5)).toBe(false);
  });

  it('downloads when the ETag is multipart, differs, or the object is SSE-KMS / SSE-C', () => {
    expect(needsDownload({ etag: MULTIPART, size: 10 }, MD5)).toBe(true);
    // A 32-hex ETag that differs may belong to an SSE-KMS object whose bytes still match.
    expect(needsDownload({ etag: OTHER, size: 10 }, MD5)).toBe(true);
    expect(needsDownload({ etag: MD5, size: 10, serverSideEncryption: 'aws:kms' }, MD5)).toBe(true);
    expect(needsDownload({ etag: MD5, size: 10, serverSideEncryption: 'aws:kms:dsse' }, MD5)).toBe(true);
    expect(needsDownload({ etag: MD5, size: 10, sseCustomer: true }, MD5)).toBe(true);
    expect(needsDownload({ etag: MD5, size: 10, serverSideEncryption: 'AES256' }, MD5)).toBe(false);
  });

  it('never downloads when there is nothing to compare or the object is empty', () => {
    expect(needsDownload({ etag: MULTIPART, size: 10 }, null)).toBe(false);
    expect(needsDownload({ etag: MULTIPART, size: 10 }, 'not-a-digest')).toBe(false);
    expect(needsDownload({ etag: MD5, size: 0 }, OTHER)).toBe(false);
  });
});

describe('digestStatus', () => {
  it('match from the ETag alone, with the MD5 known', () => {
    expect(digestStatus(base)).toEqual({ status: 'match', calculatedMd5: MD5 });
  });

  it('match and mismatch from a downloaded hash decide over the ETag', () => {
    const multipart = { etag: MULTIPART, size: 6_000_000 };
    expect(digestStatus({ ...base, object: multipart, calculatedMd5: MD5 })).toEqual({ status: 'match', calculatedMd5: MD5 });
    expect(digestStatus({ ...base, object: multipart, calculatedMd5: OTHER })).toEqual({ status: 'mismatch', calculatedMd5: OTHER });
    // SSE-KMS: the ETag differs from the digest but the bytes match.
    expect(digestStatus({ ...base, object: { etag: OTHER, size: 5 }, calculatedMd5: MD5.toUpperCase() })).toEqual({ status: 'match', calculatedMd5: MD5 });
  });

  it('missing without a digest item or with a malformed digest', () => {
    expect(digestStatus({ ...base, digest: null })).toEqual({ status: 'missing', calculatedMd5: null });
    const malformed = digestStatus({ ...base, digest: 'abc' });
    expect(malformed.status).toBe('missing');
    expect(malformed.reason).toContain('not 32 hex');
  });

  it('not_applicable, never missing, without a table (lock files only: no digest by design)', () => {
    for (const object of [base.object, null]) {
      const verdict = digestStatus({ ...base, object, digest: null, hasTable: false });
      expect(verdict).toEqual({ status: 'not_applicable', reason: NO_DIGEST_BY_DESIGN, calculatedMd5: null });
    }
    expect(NO_DIGEST_BY_DESIGN).toMatch(/by design/);
    expect(DIGEST_STATUS_LABEL.not_applicable).toBe('no digest: lock files only');
    expect(DIGEST_STATUSES).toContain('not_applicable');
  });

  it('orphan for a well-formed digest without an object; a malformed one is ignored', () => {
    expect(digestStatus({ ...base, object: null })).toEqual({ status: 'orphan', calculatedMd5: null });
    expect(digestStatus({ ...base, object: null, digest: 'xyz' }).status).toBe('missing');
  });

  it('mismatch for an empty object, even when its ETag is the MD5 of nothing', () => {
    const emptyMd5 = crypto.createHash('md5').update('').digest('hex');
    const verdict = digestStatus({ ...base, object: { etag: emptyMd5, size: 0 }, digest: emptyMd5 });
    expect(verdict.status).toBe('mismatch');
    expect(verdict.calculatedMd5).toBeNull();
  });

  it('unverified with the reason when the download failed, was skipped, or the table is unreadable', () => {
    const failed = digestStatus({ ...base, object: { etag: MULTIPART, size: 9 }, downloadError: 'access denied (AccessDenied)' });
    expect(failed).toMatchObject({ status: 'unverified', calculatedMd5: null });
    expect(failed.reason).toContain('AccessDenied');
    expect(digestStatus({ ...base, object: { etag: MULTIPART, size: 9 } }).status).toBe('unverified');
    const table = digestStatus({ ...base, tableError: 'table_not_found' });
    expect(table.status).toBe('unverified');
    expect(table.reason).toContain('table_not_found');
  });
});

describe('explainDigest', () => {
  it('mismatch: names the error, the item and the calculated MD5 to set', () => {
    const e = explainDigest({ status: 'mismatch', bucket: 'b', key: 'env:/x/terraform.tfstate', digest: MD5, calculatedMd5: OTHER });
    expect(e?.consequence).toContain('state data in S3 does not have the expected content');
    expect(e?.consequence).toContain('10 seconds');
    expect(e?.fix).toContain(`set Digest of "b/env:/x/terraform.tfstate-md5" to ${OTHER}`);
    expect(e?.fix).toContain('restore the intended version');
    expect(e?.setDigestTo).toBe(OTHER);
  });

  it('orphan: Terraform fails too; the fix is deleting the digest item', () => {
    const e = explainDigest({ status: 'orphan', bucket: 'b', key: 'k.tfstate', digest: MD5, calculatedMd5: null });
    expect(e?.consequence).toContain('state data in S3 does not have the expected content');
    expect(e?.fix).toContain('delete the DynamoDB item "b/k.tfstate-md5"');
    expect(e?.setDigestTo).toBeNull();
  });

  it('nothing to explain for healthy or unknown states', () => {
    for (const status of ['match', 'missing', 'unverified', 'not_applicable'] as const) {
      expect(explainDigest({ status, bucket: 'b', key: 'k', digest: null, calculatedMd5: null })).toBeNull();
    }
  });
});
