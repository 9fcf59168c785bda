import { describe, expect, it } from 'vitest';
import type { Lock } from '../api/locks';
import { livenessEvidence, livenessWords } from './liveness-words';

type L = NonNullable<Lock['liveness']>;
const base: L = { state: 'alive', reason: 'heartbeat_fresh', lastHeartbeat: '2026-03-04T12:00:00.000Z', heartbeatAgeSeconds: 12, deadSince: null, holder: { host: 'ci-7', pid: 4242, command: 'terraform apply', state: 'running', intervalSeconds: 15, startedAt: 'x' }, writers: 1, lastStateWrite: null, ageSeconds: 9000, longestRunSeconds: 7200, overLongestRun: true, suspicious: [{ objectKey: 'lockboard-heartbeats/x/y.json', problem: 'other_lock' }], aliveWithinSeconds: 45, deadAfterSeconds: 120 };

describe('livenessWords', () => {
  it('says alive, dead or why it is unknown, naming the process', () => {
    expect(livenessWords(base)).toMatchObject({ label: 'alive', tone: 'green' });
    expect(livenessWords(base).sentence).toContain('process 4242 on ci-7 sent a heartbeat 12s before this read');
    expect(livenessWords({ ...base, state: 'dead', reason: 'heartbeat_stopped', heartbeatAgeSeconds: 300 })).toMatchObject({ label: 'dead', tone: 'red' });
    expect(livenessWords({ ...base, state: 'unknown', reason: 'no_heartbeat', holder: null })).toMatchObject({ label: 'no heartbeat', tone: 'gray' });
    expect(livenessWords({ ...base, state: 'unknown', reason: 'suspicious_only' }).label).toBe('suspicious heartbeat');
  });

  it('lists the evidence: process, state write, age against the longest run, suspicious objects', () => {
    expect(livenessEvidence(base)).toEqual([
      'Process: 4242 on ci-7: terraform apply',
      'State not written since the lock was taken',
      'Held for 2h 30m; the longest run expected is 2h 0m: longer than that',
      'Suspicious heartbeat lockboard-heartbeats/x/y.json: names another lock',
    ]);
  });
});
