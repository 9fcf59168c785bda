import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Lock } from '@/lib/api/locks';
import { LivenessBadge, LivenessEvidence } from './liveness-badge';

const liveness: NonNullable<Lock['liveness']> = { state: 'dead', reason: 'heartbeat_stopped', lastHeartbeat: '2026-03-04T12:00:00.000Z', heartbeatAgeSeconds: 300, deadSince: '2026-03-04T12:02:00.000Z', holder: { host: 'ci-7', pid: 4242, command: 'terraform apply', state: 'running', intervalSeconds: 15, startedAt: 'x' }, writers: 1, lastStateWrite: null, ageSeconds: 600, longestRunSeconds: 7200, overLongestRun: false, suspicious: [], aliveWithinSeconds: 45, deadAfterSeconds: 120 };

describe('LivenessBadge and LivenessEvidence', () => {
  it('show the state, what it means and the evidence; nothing when the server did not judge', () => {
    render(<LivenessEvidence lock={{ liveness }} testId="ev" />);
    expect(screen.getByTestId('ev').dataset.liveness).toBe('dead');
    expect(screen.getByTestId('liveness-badge').textContent).toBe('dead');
    expect(screen.getByTestId('ev').textContent).toContain('the heartbeats of process 4242 on ci-7 stopped 5m before this read');
    expect(screen.getByTestId('ev').textContent).toContain('Last heartbeat:');
    const { container } = render(<LivenessBadge lock={{}} />);
    expect(container.textContent).toBe('');
  });
});
