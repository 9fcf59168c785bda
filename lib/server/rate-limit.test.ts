import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('allows `limit` takes per window and key, then says how long to wait', () => {
    const r = new RateLimiter(2, 60_000);
    expect(r.take('a', 0)).toBeNull();
    expect(r.take('a', 1_000)).toBeNull();
    expect(r.take('a', 1_500)).toBe(59);
    // Another caller has its own window.
    expect(r.take('b', 1_500)).toBeNull();
    // The window over: allowed again.
    expect(r.take('a', 60_000)).toBeNull();
  });

  it('tracks at most maxKeys callers', () => {
    const r = new RateLimiter(1, 60_000, 3);
    for (const k of ['a', 'b', 'c', 'd']) expect(r.take(k, 0)).toBeNull();
    // `a` was dropped (the oldest): it starts a new window.
    expect(r.take('a', 1)).toBeNull();
    expect(r.take('d', 1)).toBe(60);
  });
});
