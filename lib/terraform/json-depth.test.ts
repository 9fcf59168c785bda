import { describe, expect, it } from 'vitest';
import { jsonDepth } from './json-depth';

const depthOf = (text: string, stopAbove?: number) => jsonDepth(new TextEncoder().encode(text), stopAbove);

describe('jsonDepth', () => {
  it('counts nested objects and arrays', () => {
    expect(depthOf('1')).toBe(0);
    expect(depthOf('{}')).toBe(1);
    expect(depthOf('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
    expect(depthOf('[[[]],[]]')).toBe(3);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(depthOf('{"a":"[[[{{{"}')).toBe(1);
    expect(depthOf('{"a":"\\"[[[","b":"\\\\"}')).toBe(1);
    expect(depthOf('{"ü€😀":"[{"}')).toBe(1);
  });

  it('reads a state nested 100,000 deep without recursion, and stops early when asked', () => {
    const deep = `{"resources":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(depthOf(deep)).toBe(100_001);
    expect(depthOf(deep, 256)).toBe(257);
  });
});
