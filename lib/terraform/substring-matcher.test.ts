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
