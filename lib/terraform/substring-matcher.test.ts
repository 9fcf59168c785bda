import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SubstringMatcher } from './substring-matcher';

const matcher = (...needles: string[]) => {
  const m = new SubstringMatcher();
  needles.forEach((n) => m.add(n));
  return m;
};

describe('SubstringMatcher', () => {
  it('finds a needle anywhere in the text', () => {
    const m = matcher('hunter2', 's3cr3t');
    expect(m.matches('password=hunter2;')).toBe(true);
    expect(m.matches('s3cr3t')).toBe(true);
    expect(m.matches('hunter 2')).toBe(false);
    expect(m.matches('')).toBe(false);
  });

  it('follows failure links across overlapping prefixes', () => {
    const m = matcher('abcd', 'bce', 'cx');
    expect(m.matches('abce')).toBe(true); // fails out of "abc" into "bc", then "bce"
    expect(m.matches('abcx')).toBe(true); // "cx" is a suffix reached through two failure links
    expect(m.matches('abcabd')).toBe(false);
  });

  it('matches a needle that is a suffix of a longer, unfinished one', () => {
    const m = matcher('xyzzy', 'zz');
    expect(m.matches('xyzz')).toBe(true);
  });

  it('handles unicode and needles added after a search', () => {
    const m = matcher('pässwörd');
    expect(m.matches('my pässwörd!')).toBe(true);
    expect(m.matches('late-secret')).toBe(false);
    m.add('late-secret');
    expect(m.matches('the late-secret here')).toBe(true);
    expect(m.size).toBe(2);
  });

  it('is empty without needles', () => {
    expect(matcher('').matches('anything')).toBe(false);
  });
});

describe('SubstringMatcher at scale', () => {
  /** A key's body: a different run of base64 for each `i`. */
  const body = (i: number, length: number) => {
    let out = '';
    for (let n = 0; out.length < length; n++) out += createHash('sha512').update(`${i}/${n}`).digest('base64').slice(0, 86);
    return out.slice(0, length);
  };
  // Every key shares its first 83 and last 36 characters with the others, as OpenSSH keys do.
  const pemLike = (i: number) => `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ${body(i, 1600)}\n-----END OPENSSH PRIVATE KEY-----\n`;

  it('tells apart thousands of long needles sharing a long prefix, in work linear in the text', () => {
    const m = matcher(...Array.from({ length: 3000 }, (_, i) => pemLike(i)));
    expect(m.size).toBe(3000);
    const inside = `key = "${pemLike(1234)}"`;
    expect(m.matches(inside)).toBe(true);
    // A text with the shared prefix but another key: every window hashed once, few comparisons.
    const other = `key = "${pemLike(999_999)}"`;
    expect(m.matches(other)).toBe(false);
    expect(m.lastWork).toBeLessThan(3 * other.length);
    expect(m.overBudget).toBe(0);
  });

  it('answers "contains" once comparisons pass the budget (the caller masks: more, never less)', () => {
    // Needles built to share every window: each place in the text is a candidate for all of them.
    const m = matcher(...Array.from({ length: 200 }, (_, i) => `${'a'.repeat(300)}${String.fromCharCode(0x100 + i)}`));
    const text = 'a'.repeat(5000);
    expect(m.matches(text)).toBe(true);
    expect(m.overBudget).toBe(1);
    expect(m.lastWork).toBeLessThanOrEqual(4096 + 8 * text.length + 301);
  });

  it('costs work proportional to the text, whatever the number of needles', () => {
    const work = (needles: number, textLength: number) => {
      const m = matcher(...Array.from({ length: needles }, (_, i) => `secret-${i}-${'z'.repeat(40)}`));
      m.matches('q'.repeat(textLength));
      return m.lastWork;
    };
    expect(work(10, 10_000)).toBe(work(10_000, 10_000));
    expect(work(1000, 20_000)).toBeLessThanOrEqual(2 * work(1000, 10_000) + 64);
  });
});
