import { describe, expect, it } from 'vitest';
import { ageNow, agedCopy, bornAt } from './lock-age';

describe('lock age in the browser', () => {
  it('adds the whole seconds since the lock was received to the age the server gave', () => {
    expect(ageNow({ ageSeconds: 100, receivedAt: 1_000_000 }, 1_000_000)).toBe(100);
    expect(ageNow({ ageSeconds: 100, receivedAt: 1_000_000 }, 1_065_900)).toBe(165);
    // A clock that went back never makes a lock younger than the server said.
    expect(ageNow({ ageSeconds: 100, receivedAt: 1_000_000 }, 990_000)).toBe(100);
  });

  it('an unknown age stays unknown; without a receipt time or a clock the server age is shown', () => {
    expect(ageNow({ ageSeconds: null, receivedAt: 1 }, 5_000)).toBeNull();
    expect(ageNow({ ageSeconds: 7 }, 5_000)).toBe(7);
    expect(ageNow({ ageSeconds: 7, receivedAt: 0 }, null)).toBe(7);
  });

  it('agedCopy fixes the age now; bornAt does not move as time passes', () => {
    const lock = { ageSeconds: 60, receivedAt: 10_000, who: 'a' };
    expect(agedCopy(lock, 40_000)).toEqual({ ageSeconds: 90, receivedAt: 10_000, who: 'a' });
    // Received 60 s old at 10 s: taken at -50 s; the same lock received later, older, is the same instant.
    expect(bornAt(lock)).toBe(-50_000);
    expect(bornAt({ ageSeconds: 90, receivedAt: 40_000 })).toBe(-50_000);
    expect(bornAt({ ageSeconds: null, receivedAt: 1 })).toBeNull();
  });

  it('agedCopy ages the liveness evidence too (the change feed does not resend a growing heartbeat age)', () => {
    const lock = { ageSeconds: 60, receivedAt: 10_000, liveness: { state: 'dead', ageSeconds: 60, heartbeatAgeSeconds: 150 } };
    expect(agedCopy(lock, 40_000).liveness).toEqual({ state: 'dead', ageSeconds: 90, heartbeatAgeSeconds: 180 });
    expect(agedCopy({ ...lock, liveness: { state: 'unknown', ageSeconds: 60, heartbeatAgeSeconds: null } }, 40_000).liveness).toEqual({ state: 'unknown', ageSeconds: 90, heartbeatAgeSeconds: null });
    expect(agedCopy({ ...lock, liveness: null }, 40_000).liveness).toBeNull();
  });
});
