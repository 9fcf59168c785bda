import { describe, expect, it } from 'vitest';
import { decodeRestoredBy, encodeRestoredBy, MAX_RESTORED_BY_CHARS, restoreRecordOf } from './restore-metadata';

const ascii = /^[\x21-\x7e]*$/;

describe('the restored-by metadata value', () => {
  it('keeps a plain operator readable as itself', () => {
    expect(encodeRestoredBy('alice@example.com')).toBe('alice@example.com');
    expect(encodeRestoredBy('CN=ops,OU=x')).toBe('CN=ops,OU=x');
  });

  it('encodes spaces, %, control and non-ASCII characters so the value is ASCII, and decodes back', () => {
    for (const user of ['José Müller', '100% ops', 'a\nb\u0000c', '運用チーム', 'emoji 🚀', 'x%41y']) {
      const encoded = encodeRestoredBy(user);
      expect(encoded).toMatch(ascii);
      expect(decodeRestoredBy(encoded)).toBe(user);
    }
    expect(encodeRestoredBy('José')).toBe('Jos%C3%A9');
  });

  it('replaces a lone surrogate instead of failing', () => {
    expect(decodeRestoredBy(encodeRestoredBy('a\ud800b'))).toBe('a\ufffdb');
  });

  it('is bounded, cut at a character boundary with an ellipsis', () => {
    const long = encodeRestoredBy('é'.repeat(1000));
    expect(long.length).toBeLessThanOrEqual(MAX_RESTORED_BY_CHARS);
    expect(long).toMatch(ascii);
    expect(decodeRestoredBy(long)).toMatch(/^é+…$/);
    expect(encodeRestoredBy('a'.repeat(MAX_RESTORED_BY_CHARS))).toHaveLength(MAX_RESTORED_BY_CHARS);
  });

  it('shows a value that is not valid percent-encoding as stored', () => {
    expect(decodeRestoredBy('50%off')).toBe('50%off');
  });
});

describe('restoreRecordOf', () => {
  it('reads the restore record from user metadata', () => {
    expect(restoreRecordOf({ 'lockboard-restored-from': 'v1', 'lockboard-lock-id': 'L', 'lockboard-restored-by': 'Jos%C3%A9' })).toEqual({ from: 'v1', by: 'José', lockId: 'L' });
    expect(restoreRecordOf({ 'lockboard-restored-from': 'v1' })).toEqual({ from: 'v1', by: null, lockId: null });
    expect(restoreRecordOf({ other: 'x' })).toBeNull();
  });
});
