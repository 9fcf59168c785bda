import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256';

const node = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('matches node:crypto around block boundaries, for unicode and for a large value', () => {
    for (const n of [55, 56, 63, 64, 65, 119, 120, 128]) expect(sha256Hex('x'.repeat(n))).toBe(node('x'.repeat(n)));
    expect(sha256Hex('Ünïcödé 🔒 lock')).toBe(node('Ünïcödé 🔒 lock'));
    const big = '{"ID":"x","Info":"' + 'y'.repeat(300_000) + '"}';
    expect(sha256Hex(big)).toBe(node(big));
  });
});
