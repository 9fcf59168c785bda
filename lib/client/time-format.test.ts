import { afterEach, describe, expect, it } from 'vitest';
import { browserOffsetMinutes, formatAbsolute, formatDuration, formatOffset, formatRelative, machineTime } from './time-format';

const NANO = '2026-12-04T08:55:31.123456789Z';
const T = Date.UTC(2026, 11, 4, 8, 55, 31, 123);
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

describe('formatAbsolute', () => {
  it('writes UTC with its zone', () => {
    expect(formatAbsolute(NANO, 'utc')).toBe('2026-12-04 08:55:31 UTC');
  });
  it('writes local time with the offset of that instant', () => {
    expect(formatAbsolute(NANO, 'local', () => 60)).toBe('2026-12-04 09:55:31 UTC+01:00');
    expect(formatAbsolute(NANO, 'local', () => -330)).toBe('2026-12-04 03:25:31 UTC-05:30');
    expect(formatAbsolute(NANO, 'local', () => 345)).toBe('2026-12-04 14:40:31 UTC+05:45');
    expect(formatAbsolute(NANO, 'local', () => 0)).toBe('2026-12-04 08:55:31 UTC+00:00');
    expect(formatAbsolute('2026-12-04T23:30:00Z', 'local', () => 120)).toBe('2026-12-05 01:30:00 UTC+02:00');
  });
  it('says unknown, never Invalid Date', () => {
    for (const mode of ['utc', 'local'] as const) {
      expect(formatAbsolute(null, mode)).toBe('unknown');
      expect(formatAbsolute('', mode)).toBe('unknown');
      expect(formatAbsolute('garbage', mode)).toBe('unknown');
    }
  });
});

describe('browserOffsetMinutes', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = tz;
  });
  it('follows the zone and its daylight saving time at each instant', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(browserOffsetMinutes(Date.UTC(2026, 0, 15))).toBe(60);
    expect(browserOffsetMinutes(Date.UTC(2026, 6, 15))).toBe(120);
    expect(formatAbsolute('2026-07-15T10:00:00.5Z', 'local')).toBe('2026-07-15 12:00:00 UTC+02:00');
    process.env.TZ = 'America/St_Johns';
    expect(formatAbsolute(NANO, 'local')).toBe('2026-12-04 05:25:31 UTC-03:30');
    process.env.TZ = 'UTC';
    expect(browserOffsetMinutes(T)).toBe(0);
    expect(Object.is(browserOffsetMinutes(T), -0)).toBe(false);
  });
});

describe('formatOffset', () => {
  it('pads hours and minutes and signs both ways', () => {
    expect(formatOffset(0)).toBe('UTC+00:00');
    expect(formatOffset(60)).toBe('UTC+01:00');
    expect(formatOffset(-570)).toBe('UTC-09:30');
    expect(formatOffset(765)).toBe('UTC+12:45');
  });
});

describe('formatRelative', () => {
  it('says how long ago at the precision that matters', () => {
    expect(formatRelative(NANO, T + 42 * S)).toBe('42 s ago');
    expect(formatRelative(NANO, T + 7 * MIN + 59 * S)).toBe('7 min ago');
    expect(formatRelative(NANO, T + 3 * H + 12 * MIN + 5 * S)).toBe('3 h 12 min ago');
    expect(formatRelative(NANO, T + 5 * H)).toBe('5 h ago');
    expect(formatRelative(NANO, T + 47 * H + 59 * MIN)).toBe('47 h 59 min ago');
    expect(formatRelative(NANO, T + 98 * H)).toBe('4 d 2 h ago');
    expect(formatRelative(NANO, T + 72 * H)).toBe('3 d ago');
  });
  it('says "in …" for the future and "just now" under a second', () => {
    expect(formatRelative(NANO, T - 5 * MIN)).toBe('in 5 min');
    expect(formatRelative(NANO, T - 30 * S)).toBe('in 30 s');
    expect(formatRelative(NANO, T + 400)).toBe('just now');
    expect(formatRelative(NANO, T - 400)).toBe('just now');
  });
  it('with pastOnly, a time a little ahead of this clock is just now', () => {
    expect(formatRelative(T, T - 3 * S, { pastOnly: true })).toBe('just now');
    expect(formatRelative(T, T + 3 * S, { pastOnly: true })).toBe('3 s ago');
  });
  it('is unknown for an unreadable instant', () => {
    expect(formatRelative('2026-12-04 ??', T)).toBe('unknown');
    expect(formatRelative(null, T)).toBe('unknown');
  });
});

describe('formatDuration', () => {
  it('drops a zero smaller unit', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(86_400 * 2)).toBe('2 d');
  });
});

describe('machineTime', () => {
  it('is a valid <time dateTime> value, or null', () => {
    expect(machineTime(NANO)).toBe('2026-12-04T08:55:31.123Z');
    expect(machineTime('nope')).toBeNull();
  });
});
