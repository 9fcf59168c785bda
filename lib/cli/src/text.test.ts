import { describe, expect, it } from 'vitest';
import { age, cut, safe, safeJson, table } from './text';

describe('safe', () => {
  it('shows control, format and separator characters as escapes, so nothing acts on the terminal', () => {
    expect(safe('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
    expect(safe('\u001b[2J\u0007')).toBe('\\x1b[2J\\x07');
    expect(safe('\u0085\u009b31m')).toBe('\\x85\\x9b31m');
    expect(safe('x\u202ey\u200bz\u2028')).toBe('x\\u{202e}y\\u{200b}z\\u{2028}');
  });
  it('escapes the backslash, so the printed text reads back to exactly one value', () => {
    expect(safe('a\\nb')).toBe('a\\\\nb');
    expect(safe('a\\nb')).not.toBe(safe('a\nb'));
  });
  it('leaves shell metacharacters and other text alone (they are printed, never run)', () => {
    expect(safe('$(rm -rf /);`id`|&>')).toBe('$(rm -rf /);`id`|&>');
    expect(safe('Zoë 東京 😀')).toBe('Zoë 東京 😀');
    expect(safe(null)).toBe('');
  });
});

describe('safeJson', () => {
  it('is JSON that reads back to the same value, with no raw control or format character', () => {
    const value = { who: 'a\u001b\u0085\u202e\u2028b', n: 1 };
    const text = safeJson(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u202e]/);
  });
});

describe('table, cut and age', () => {
  it('pads columns (code points, not UTF-16 units) and trims the last', () => {
    expect(table(['A', 'BB'], [['😀😀', 'x'], ['y', '']])).toBe('A   BB\n😀😀  x\ny');
  });
  it('cuts with an ellipsis and reads ages', () => {
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut('abc', 4)).toBe('abc');
    expect([age(5), age(125), age(3 * 3600 + 720), age(4 * 86_400 + 7200), age(null)]).toEqual(['5s', '2m', '3h 12m', '4d 2h', '?']);
  });
});
