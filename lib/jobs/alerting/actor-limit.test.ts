import { describe, expect, it } from 'vitest';
import { ActorLimiter } from './actor-limit';

const limits = { burst: 3, refillMs: 1000, windowMs: 5000, maxActors: 2 };

describe('ActorLimiter', () => {
  it('lets a burst through, then one per refill period, and counts the rest', () => {
    const l = new ActorLimiter(limits);
    const admitted = Array.from({ length: 10 }, () => l.admit('bot', 'download', 'main', 0));
    expect(admitted.filter(Boolean)).toHaveLength(3);
    expect(l.admit('bot', 'download', 'main', 999)).toBe(false);
    expect(l.admit('bot', 'download', 'main', 1000)).toBe(true);
    expect(l.admit('bot', 'download', 'main', 1500)).toBe(false);
    expect(l.admit('bot', 'download', 'main', 2000)).toBe(true);
  });

  it('keeps actors and event types apart: a download flood leaves mutations and other users alone', () => {
    const l = new ActorLimiter(limits);
    for (let i = 0; i < 100; i++) l.admit('bot', 'download', 'main', 0);
    expect(l.admit('bot', 'mutation', 'main', 0)).toBe(true);
    expect(l.admit('alice', 'download', 'main', 0)).toBe(true);
  });

  it('gives one summary per actor and type once the suppression lasted the window, then counts afresh', () => {
    const l = new ActorLimiter(limits);
    for (let i = 0; i < 2106; i++) l.admit('bot', 'download', i < 2000 ? 'main' : 'other', 100);
    expect(l.flush(4000)).toEqual([]);
    expect(l.flush(5100)).toEqual([{ actor: 'bot', type: 'download', suppressed: 2103, backendId: 'other', windowStartMs: 100, windowEndMs: 5100 }]);
    expect(l.flush(20_000)).toEqual([]);
    // Full again after the pause: a new burst passes.
    expect(Array.from({ length: 4 }, () => l.admit('bot', 'download', 'main', 20_000)).filter(Boolean)).toHaveLength(3);
    expect(l.flush(20_001, true)).toMatchObject([{ suppressed: 1 }]);
  });

  it('bounds its memory: past maxActors, new actors share the bucket "*" (idle ones are forgotten first)', () => {
    const l = new ActorLimiter(limits);
    for (let i = 0; i < 3; i++) l.admit('a', 'download', 'main', 0);
    for (let i = 0; i < 3; i++) l.admit('b', 'download', 'main', 0);
    for (let i = 0; i < 1000; i++) l.admit(`spoofed-${i}`, 'download', 'main', 0);
    expect(l.tracked).toBe(3);
    expect(l.flush(0, true)).toEqual([expect.objectContaining({ actor: '*', suppressed: 997 })]);
    // Once a and b are full again they are forgotten, and a new actor gets its own bucket.
    l.admit('late', 'download', 'main', 10_000);
    expect(l.tracked).toBeLessThanOrEqual(2);
  });
});
