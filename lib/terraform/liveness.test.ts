import { describe, expect, it } from 'vitest';
import { deadForSeconds, evaluateLiveness, MAX_HEARTBEATS_PER_LOCK, type HeartbeatClaim, type HeartbeatRead } from './liveness';

const NOW = Date.parse('2026-03-04T12:00:00Z');
const lock = { id: '3a7c2e1f-5b2d-9c4e-1f0a-6d8b7e9c0a12', who: 'runner@ci-7', created: '2026-03-04T11:00:00.123456789Z', ageSeconds: 3600 };
const settings = { nowMs: NOW, aliveWithinSeconds: 45, deadAfterSeconds: 120, longestRunMinutes: 120 };

const claim = (over: Partial<HeartbeatClaim> = {}): HeartbeatClaim => ({
  lockId: lock.id,
  who: lock.who,
  created: lock.created,
  host: 'ci-7',
  pid: 4242,
  command: 'terraform apply -auto-approve',
  state: 'running',
  intervalSeconds: 15,
  startedAt: '2026-03-04T11:00:01Z',
  ...over,
});
const beat = (secondsAgo: number, over: Partial<HeartbeatClaim> = {}, key = 'w1'): HeartbeatRead => ({ objectKey: `lockboard-heartbeats/${lock.id}/${key}.json`, lastModifiedMs: NOW - secondsAgo * 1000, body: claim(over) });

describe('evaluateLiveness', () => {
  it('is alive with a heartbeat newer than 45 s naming exactly this lock, and names the process', () => {
    const l = evaluateLiveness(lock, [beat(10)], null, settings);
    expect(l).toMatchObject({ state: 'alive', reason: 'heartbeat_fresh', heartbeatAgeSeconds: 10, holder: { host: 'ci-7', pid: 4242 }, writers: 1, deadSince: null });
    expect(l.lastHeartbeat).toBe(new Date(NOW - 10_000).toISOString());
  });

  it('is unknown without any heartbeat (not run through the wrapper), however old the lock', () => {
    const l = evaluateLiveness({ ...lock, ageSeconds: 86_400 * 4 }, [], null, settings);
    expect(l).toMatchObject({ state: 'unknown', reason: 'no_heartbeat', lastHeartbeat: null, overLongestRun: true, longestRunSeconds: 7200 });
  });

  it('is unknown (late) between 45 s and 2 min, dead past 2 min, with the time it died', () => {
    expect(evaluateLiveness(lock, [beat(60)], null, settings)).toMatchObject({ state: 'unknown', reason: 'heartbeat_late' });
    expect(evaluateLiveness(lock, [beat(120)], null, settings).state).toBe('unknown');
    const dead = evaluateLiveness(lock, [beat(150)], null, settings);
    expect(dead).toMatchObject({ state: 'dead', reason: 'heartbeat_stopped', deadSince: new Date(NOW - 30_000).toISOString() });
    expect(deadForSeconds(dead, NOW)).toBe(30);
    expect(deadForSeconds(evaluateLiveness(lock, [beat(10)], null, settings), NOW)).toBe(0);
  });

  it('says the holder exited when its last beat says so (dead once the window passes, never alive)', () => {
    expect(evaluateLiveness(lock, [beat(5, { state: 'exited' })], null, settings)).toMatchObject({ state: 'unknown', reason: 'holder_exited' });
    expect(evaluateLiveness(lock, [beat(200, { state: 'exited' })], null, settings)).toMatchObject({ state: 'dead', reason: 'holder_exited' });
  });

  it('any fresh running writer keeps the lock alive (another writer that exited does not make it dead)', () => {
    const l = evaluateLiveness(lock, [beat(300, { state: 'exited', pid: 1 }, 'a'), beat(3, {}, 'b')], null, settings);
    expect(l).toMatchObject({ state: 'alive', writers: 2 });
  });

  it('a state write after the last heartbeat means the holder outlived it: not dead', () => {
    const l = evaluateLiveness(lock, [beat(300)], NOW - 60_000, settings);
    expect(l).toMatchObject({ state: 'unknown', reason: 'state_written_after_heartbeat', lastStateWrite: new Date(NOW - 60_000).toISOString() });
    // The final write just after the last beat (within one interval) is what a killed apply leaves.
    expect(evaluateLiveness(lock, [beat(300)], NOW - 295_000, settings).state).toBe('dead');
    // A write before the lock was taken is not "since the lock".
    expect(evaluateLiveness(lock, [beat(10)], Date.parse('2026-03-04T10:00:00Z'), settings).lastStateWrite).toBeNull();
  });

  describe('suspicious heartbeats prove nothing either way', () => {
    it('a forged beat for another lock (ID, Who or Created) cannot make a dead lock alive', () => {
      for (const forged of [{ lockId: 'other' }, { who: 'mallory@x' }, { created: '2026-03-04T11:59:00Z' }]) {
        const l = evaluateLiveness(lock, [beat(300, {}, 'real'), beat(1, forged, 'forged')], null, settings);
        expect(l.state, JSON.stringify(forged)).toBe('dead');
        expect(l.suspicious).toEqual([{ objectKey: `lockboard-heartbeats/${lock.id}/forged.json`, problem: 'other_lock' }]);
      }
    });

    it('malformed, oversized and unreadable beats do not make a live lock dead nor a lock without beats anything but unknown', () => {
      const bad: HeartbeatRead[] = [
        { objectKey: 'k1', lastModifiedMs: NOW - 999_000, body: null, problem: 'malformed' },
        { objectKey: 'k2', lastModifiedMs: NOW - 999_000, body: null, problem: 'oversized' },
        { objectKey: 'k3', lastModifiedMs: NOW - 999_000, body: null, problem: 'unreadable' },
      ];
      expect(evaluateLiveness(lock, [...bad, beat(5)], null, settings).state).toBe('alive');
      const only = evaluateLiveness(lock, bad, null, settings);
      expect(only).toMatchObject({ state: 'unknown', reason: 'suspicious_only' });
      expect(only.suspicious.map((x) => x.problem)).toEqual(['malformed', 'oversized', 'unreadable']);
    });

    it('a writer clock far in the future is ignored: it cannot keep a dead lock alive', () => {
      const future = beat(1, { startedAt: '2036-01-01T00:00:00Z' }, 'future');
      const l = evaluateLiveness(lock, [beat(300), future], null, settings);
      expect(l.state).toBe('dead');
      expect(l.suspicious).toEqual([{ objectKey: future.objectKey, problem: 'future_clock' }]);
      // S3's own time slightly ahead of ours is "just now", not a negative age.
      expect(evaluateLiveness(lock, [beat(-3)], null, settings)).toMatchObject({ state: 'alive', heartbeatAgeSeconds: 0 });
    });

    it('reads at most a bounded number of beats per lock', () => {
      const many = Array.from({ length: MAX_HEARTBEATS_PER_LOCK + 2 }, (_, i) => beat(400, {}, `w${i}`));
      const l = evaluateLiveness(lock, many, null, settings);
      expect(l.writers).toBe(MAX_HEARTBEATS_PER_LOCK);
      expect(l.suspicious.map((x) => x.problem)).toEqual(['too_many', 'too_many']);
    });
  });

  it('short test thresholds work the same way (beat every 1 s, dead after 8 s)', () => {
    const fast = { ...settings, aliveWithinSeconds: 3, deadAfterSeconds: 8 };
    expect(evaluateLiveness(lock, [beat(2, { intervalSeconds: 1 })], null, fast).state).toBe('alive');
    expect(evaluateLiveness(lock, [beat(9, { intervalSeconds: 1 })], null, fast).state).toBe('dead');
  });
});
