import { describe, expect, it } from 'vitest';
import { formatUtcTime, instantMs, wallClock } from './time-text';

const T = Date.UTC(2026, 11, 4, 8, 55, 31, 123);

describe('instantMs', () => {
  it('reads Terraform’s nanosecond Created, which Date.parse may not', () => {
    expect(instantMs('2026-12-04T08:55:31.123456789Z')).toBe(T);
  });
  it('reads ISO strings with milliseconds, none, or an offset, and epoch ms', () => {
    expect(instantMs('2026-12-04T08:55:31.123Z')).toBe(T);
    expect(instantMs('2026-12-04T08:55:31Z')).toBe(T - 123);
    expect(instantMs('2026-12-04T09:55:31.123+01:00')).toBe(T);
    expect(instantMs('2026-12-04T03:25:31.123-05:30')).toBe(T);
    expect(instantMs(T)).toBe(T);
  });
  it('reads back its own readable form (stored in lock Info)', () => {
    expect(instantMs('2026-12-04 08:55:31 UTC')).toBe(T - 123);
    expect(instantMs('2026-12-04 09:55:31 UTC+01:00')).toBe(T - 123);
    expect(instantMs(formatUtcTime(T))).toBe(T - 123);
  });
  it('is null for absent or unreadable values instead of guessing', () => {
    for (const bad of [null, undefined, '', '  ', 'yesterday', '12', '2026-12-04', 'Invalid Date', NaN, Infinity, 9e15]) expect(instantMs(bad)).toBeNull();
  });
});

describe('formatUtcTime', () => {
  it('writes whole seconds and the zone, never the fraction or ISO T…Z', () => {
    expect(formatUtcTime('2026-12-04T08:55:31.123456789Z')).toBe('2026-12-04 08:55:31 UTC');
    expect(formatUtcTime('2026-12-04T08:55:31.999999999Z')).toBe('2026-12-04 08:55:31 UTC');
    expect(formatUtcTime('2026-12-04T09:55:31+01:00')).toBe('2026-12-04 08:55:31 UTC');
    expect(formatUtcTime(T)).toBe('2026-12-04 08:55:31 UTC');
  });
  it('crosses midnight and years when converting an offset', () => {
    expect(formatUtcTime('2027-01-01T00:30:00+01:00')).toBe('2026-12-31 23:30:00 UTC');
  });
  it('says unknown for what cannot be read', () => {
    expect(formatUtcTime(null)).toBe('unknown');
    expect(formatUtcTime('not a time')).toBe('unknown');
  });
});

describe('wallClock', () => {
  it('shifts by an offset east of UTC, dropping (not rounding) the fraction', () => {
    expect(wallClock(T + 877, 0)).toBe('2026-12-04 08:55:32');
    expect(wallClock(T, 60)).toBe('2026-12-04 09:55:31');
    expect(wallClock(T, -330)).toBe('2026-12-04 03:25:31');
    expect(wallClock(T, 16 * 60)).toBe('2026-12-05 00:55:31');
  });
});
