import { describe, expect, it } from 'vitest';
import { AppError } from '../api/errors';
import { createLogger, formatLogLine, MAX_LINE_BYTES, type LogLevel } from './logger';

const NOW = new Date('2026-01-05T10:15:30.123Z');

function parse(line: string): Record<string, unknown> {
  expect(line).not.toContain('\n');
  return JSON.parse(line) as Record<string, unknown>;
}

describe('formatLogLine', () => {
  it('writes one JSON object with level, time, msg and the context fields', () => {
    const line = parse(formatLogLine('info', 'configuration loaded', { source: 'env', backends: ['main', 'dr'] }, NOW));
    expect(line).toEqual({ level: 'info', time: '2026-01-05T10:15:30.123Z', msg: 'configuration loaded', source: 'env', backends: ['main', 'dr'] });
    expect(Object.keys(line).slice(0, 3)).toEqual(['level', 'time', 'msg']);
  });

  it('context cannot overwrite level, time or msg', () => {
    const line = parse(formatLogLine('warn', 'real', { level: 'info', time: 'then', msg: 'fake' }, NOW));
    expect(line).toMatchObject({ level: 'warn', time: NOW.toISOString(), msg: 'real', 'context.level': 'info', 'context.time': 'then', 'context.msg': 'fake' });
  });

  it('reduces errors to name, message, code and a trimmed stack, with their cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const e = new Error('request failed', { cause });
    const line = parse(formatLogLine('error', 'request failed', { route: '/api/locks', error: e }, NOW));
    const error = line.error as Record<string, unknown>;
    expect(error).toMatchObject({ name: 'Error', message: 'request failed', cause: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' } });
    expect(typeof error.stack).toBe('string');
    expect((error.stack as string).split('\n').length).toBeLessThanOrEqual(8);
    expect(error.stack).not.toContain('Error: request failed');
  });

  it('keeps an AppError’s code and details', () => {
    const e = new AppError('aws_throttled', 'slow down', { backend: 'main', service: 'S3', resource: 'b', awsError: 'SlowDown' });
    const line = parse(formatLogLine('warn', 'aws throttled', { error: e }, NOW));
    expect(line.error).toMatchObject({ name: 'AppError', code: 'aws_throttled', message: 'slow down', details: { backend: 'main', awsError: 'SlowDown' } });
  });

  it('makes any value JSON-safe: bigint, circular, functions, bytes, dates, undefined', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const shared = { n: 1 };
    const line = parse(
      formatLogLine('info', 'odd values', { big: 2n ** 70n, circular, fn: () => 1, bytes: new Uint8Array(10), at: NOW, gone: undefined, nan: Number.NaN, twice: [shared, shared] }, NOW),
    );
    expect(line).toMatchObject({ big: '1180591620717411303424', circular: { name: 'loop', self: '[circular]' }, fn: '[function]', bytes: '[10 bytes]', at: NOW.toISOString(), nan: 'NaN', twice: [{ n: 1 }, { n: 1 }] });
    expect('gone' in line).toBe(false);
  });

  it('cuts long strings, long arrays, wide objects and deep nesting', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: 'bottom' } } } } } } };
    const wide = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i]));
    const line = parse(formatLogLine('info', 'big', { text: 'x'.repeat(5000), list: Array.from({ length: 70 }, (_, i) => i), wide, deep }, NOW));
    expect(line.text).toBe(`${'x'.repeat(2048)}…(+2952 chars)`);
    expect((line.list as unknown[]).length).toBe(51);
    expect((line.list as unknown[])[50]).toBe('…(+20 items)');
    expect(Object.keys(line.wide as object)).toHaveLength(51);
    expect(JSON.stringify(line.deep)).toContain('[object]');
    expect(JSON.stringify(line.deep)).not.toContain('bottom');
  });

  it('never exceeds MAX_LINE_BYTES, tightening limits and, as a last resort, dropping the context', () => {
    // Many medium strings: each under the first string limit, together far over the line bound.
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`field${i}`, 'é'.repeat(2000)]));
    const tightened = formatLogLine('info', 'audit', many, NOW);
    expect(Buffer.byteLength(tightened)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(parse(tightened).field0).toBe(`${'é'.repeat(256)}…(+1744 chars)`);

    const huge = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`field${i}`, 'y'.repeat(300)]));
    const dropped = parse(formatLogLine('error', 'm'.repeat(10_000), huge, NOW));
    expect(dropped).toMatchObject({ level: 'error', time: NOW.toISOString(), truncated: true });
    expect(dropped.droppedBytes as number).toBeGreaterThan(MAX_LINE_BYTES);
    expect((dropped.msg as string).length).toBeLessThan(600);
    expect((dropped.contextKeys as string[]).length).toBe(50);
    expect(Buffer.byteLength(JSON.stringify(dropped))).toBeLessThanOrEqual(MAX_LINE_BYTES);
  });
});

describe('createLogger', () => {
  it('sends each level to the sink as one line', () => {
    const lines: [LogLevel, string][] = [];
    const log = createLogger((level, line) => lines.push([level, line]));
    log.info('a', { n: 1 });
    log.warn('b');
    log.error('c', { error: new Error('boom') });
    expect(lines.map(([level, line]) => [level, parse(line).level, parse(line).msg])).toEqual([
      ['info', 'info', 'a'],
      ['warn', 'warn', 'b'],
      ['error', 'error', 'c'],
    ]);
  });

  it('does not throw when a context value cannot be read', () => {
    const lines: string[] = [];
    const log = createLogger((_, line) => lines.push(line));
    const hostile = {
      get secret(): string {
        throw new Error('getter exploded');
      },
    };
    expect(() => log.error('hostile', { hostile })).not.toThrow();
    expect(parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'hostile', logFormatError: 'getter exploded' });
  });
});
