import { describe, expect, it } from 'vitest';
import { formatRfc3339Nano, marshalLockInfo } from '../terraform/lock-info';
import { evaluateLiveness } from '../terraform/liveness';
import { mergeLocks, type Lock } from '../terraform/locks';
import { AUTO_RELEASE_ACTOR, auditEventType, deriveEvents, mutationEvent } from './alerting/event-rules';
import { isDue, policyFor } from './auto-release';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const backend = { id: 'prod', name: 'Production' };
const settings = { staleAfterMinutes: 600, remindAfterMinutes: 240, publicUrl: null, nowMs: NOW };
const thresholds = { nowMs: NOW, aliveWithinSeconds: 45, deadAfterSeconds: 120, longestRunMinutes: 120 };

function lockWithBeat(key: string, beatSecondsAgo: number | null): Lock {
  const info = { id: `id-${key}`, operation: 'OperationTypeApply', info: '', who: 'ci@runner', version: '1.11.4', created: formatRfc3339Nano(NOW - 20 * 60_000), path: `b/${key}` };
  const lock = mergeLocks({ bucket: 'b', workspaceKeyPrefix: 'env:', dualMode: false, staleAfterMinutes: 600, nowMs: NOW }, [{ lockId: `b/${key}`, info: marshalLockInfo(info) }], [])[0]!;
  const beats =
    beatSecondsAgo === null
      ? []
      : [{ objectKey: `lockboard-heartbeats/${info.id}/w.json`, lastModifiedMs: NOW - beatSecondsAgo * 1000, body: { lockId: info.id, who: info.who, created: info.created, host: 'runner', pid: 77, command: 'terraform apply', state: 'running' as const, intervalSeconds: 15, startedAt: info.created } }];
  lock.liveness = evaluateLiveness(lock, beats, null, thresholds);
  return lock;
}

describe('lock.dead', () => {
  it('is one event per dead lock instance, with the evidence; none for alive or unknown locks', () => {
    const dead = lockWithBeat('app/terraform.tfstate', 300);
    const events = deriveEvents(backend, null, { locks: [dead, lockWithBeat('alive.tfstate', 5), lockWithBeat('plain.tfstate', null)], states: null }, settings);
    expect(events.map((e) => e.type)).toEqual(['lock.dead']);
    expect(events[0]).toMatchObject({ key: 'app/terraform.tfstate', liveness: { state: 'dead', holder: { host: 'runner', pid: 77 } } });
    expect(events[0]!.summary).toBe('Dead lock holder: app/terraform.tfstate is still locked by ci@runner (OperationTypeApply), but its last heartbeat (process 77 on runner) was 5 min ago');
    // The next read (another replica, later): the same id, so it is sent once.
    const again = deriveEvents(backend, { locks: [dead], states: null }, { locks: [lockWithBeat('app/terraform.tfstate', 360)], states: null }, settings);
    expect(again.map((e) => e.id)).toEqual([events[0]!.id]);
  });

  it("Lockboard's own release of a dead lock is announced as lock.auto_released", () => {
    expect(auditEventType('force-unlock', AUTO_RELEASE_ACTOR)).toBe('lock.auto_released');
    expect(auditEventType('force-unlock', 'alice@example.com')).toBe('mutation');
    const e = mutationEvent(backend, { auditId: 'a1', action: 'force-unlock', outcome: 'succeeded', user: AUTO_RELEASE_ACTOR, reason: 'auto-release: …', key: 'k', workspace: 'default', errorCode: null, errorMessage: null, lockId: 'id-k' }, { publicUrl: null, nowMs: NOW });
    expect(e).toMatchObject({ type: 'lock.auto_released', id: 'lock.auto_released.a1.succeeded' });
  });
});

describe('auto-release policy', () => {
  const policies = [{ backends: ['prod'], keys: ['ci/**'], afterMinutes: 5 }];
  it('matches backend and key globs, and only a lock dead for the policy time', () => {
    expect(policyFor(policies, 'prod', 'ci/app/terraform.tfstate')).toBe(policies[0]);
    expect(policyFor(policies, 'prod', 'app/terraform.tfstate')).toBeNull();
    expect(policyFor(policies, 'staging', 'ci/app/terraform.tfstate')).toBeNull();
    // Dead since 120 s after the last beat: 300 s ago → dead for 180 s, not yet 5 min.
    expect(isDue(lockWithBeat('ci/a.tfstate', 300), policies[0]!, NOW)).toBe(false);
    expect(isDue(lockWithBeat('ci/a.tfstate', 421), policies[0]!, NOW)).toBe(true);
  });

  it('never a lock without heartbeat, however old, nor a live one', () => {
    expect(isDue(lockWithBeat('ci/a.tfstate', null), { ...policies[0]!, afterMinutes: 0 }, NOW)).toBe(false);
    expect(isDue(lockWithBeat('ci/a.tfstate', 1), { ...policies[0]!, afterMinutes: 0 }, NOW)).toBe(false);
  });
});
