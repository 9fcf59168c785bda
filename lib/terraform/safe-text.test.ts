import { describe, expect, it } from 'vitest';
import { oneLine, stripControls, stripControlsDeep } from './safe-text';

describe('stripControls', () => {
  it('removes C0 (but tab and line feed), DEL and C1 controls', () => {
    expect(stripControls('a\u0000b\u0007c\u001b[31md\re\u007ff\u0085g\u009bh')).toBe('abc[31mdefgh');
    expect(stripControls('line 1\nline 2\tend')).toBe('line 1\nline 2\tend');
  });

  it('removes every bidi control: marks, embeddings, overrides, isolates', () => {
    const bidi = ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const c of bidi) expect(stripControls(`pr${c}od`)).toBe('prod');
    // "prod" shown reversed as "dorp" by an override: the override goes, the letters stay in order.
    expect(stripControls('\u202Edorp\u202C')).toBe('dorp');
  });

  it('keeps ordinary text, including non-Latin letters and emoji, unchanged', () => {
    const text = 'alice@example.com Ünïcødé 日本語 עברית ✅ <b>&';
    expect(stripControls(text)).toBe(text);
  });
});

describe('oneLine', () => {
  it('turns tabs and line feeds into spaces and drops carriage returns', () => {
    expect(oneLine('a\r\nb\tc')).toBe('a b c');
  });
});

describe('stripControlsDeep', () => {
  it('cleans every string and key of a nested value, leaving other values', () => {
    const dirty = { 'k\u202Eey': ['x\u0007', { y: 'z\u009b', n: 3, b: true, nil: null }] };
    expect(stripControlsDeep(dirty)).toEqual({ key: ['x', { y: 'z', n: 3, b: true, nil: null }] });
  });

  it('cuts values nested deeper than 32 levels', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = [deep];
    let v = stripControlsDeep(deep);
    for (let i = 0; i < 32; i++) v = (v as unknown[])[0];
    expect(v).toBe('…[cut: nested too deep]');
  });
});
