/**
 * A lock's liveness in words (lib/terraform/liveness.ts has the rule): a short label and tone for the
 * badge, one sentence of what it means, and the evidence lines the details and the unlock dialog show.
 */
import type { Lock } from '../api/locks';
import { formatAge } from './format';

type Liveness = NonNullable<Lock['liveness']>;

export interface LivenessWords {
  label: string;
  tone: 'green' | 'red' | 'amber' | 'gray';
  sentence: string;
}

const process = (l: Liveness) => (l.holder ? `process ${l.holder.pid} on ${l.holder.host}` : 'its process');
// Ages as of the read the server judged by (the evidence below shows the heartbeat's time, live).
const ago = (s: number | null) => (s === null ? 'at an unknown time' : `${formatAge(s)} before this read`);

export function livenessWords(l: Liveness): LivenessWords {
  switch (l.reason) {
    case 'heartbeat_fresh':
      return { label: 'alive', tone: 'green', sentence: `Alive: ${process(l)} sent a heartbeat ${ago(l.heartbeatAgeSeconds)}. Someone is running Terraform on this state right now.` };
    case 'heartbeat_stopped':
      return { label: 'dead', tone: 'red', sentence: `Dead: the heartbeats of ${process(l)} stopped ${ago(l.heartbeatAgeSeconds)} while the lock is still held. The run that took it is gone.` };
    case 'holder_exited':
      return l.state === 'dead'
        ? { label: 'dead', tone: 'red', sentence: `Dead: ${process(l)} exited while holding the lock (its last heartbeat ${ago(l.heartbeatAgeSeconds)}).` }
        : { label: 'exited', tone: 'amber', sentence: `${process(l)} exited while holding the lock ${ago(l.heartbeatAgeSeconds)}; it is called dead once no other heartbeat comes for ${formatAge(l.deadAfterSeconds)}.` };
    case 'heartbeat_late':
      return { label: 'heartbeat late', tone: 'amber', sentence: `Late: the last heartbeat of ${process(l)} was ${ago(l.heartbeatAgeSeconds)}; dead only after ${formatAge(l.deadAfterSeconds)} without one.` };
    case 'state_written_after_heartbeat':
      return { label: 'unclear', tone: 'amber', sentence: 'Unclear: the heartbeats stopped, but the state was written after the last one: the holder outlived its heartbeat.' };
    case 'suspicious_only':
      return { label: 'suspicious heartbeat', tone: 'amber', sentence: 'Unknown: the only heartbeat objects for this lock are suspicious (listed below): they prove nothing.' };
    case 'no_heartbeat':
      return { label: 'no heartbeat', tone: 'gray', sentence: 'Unknown: no heartbeat (not run through lockboard run). Nothing here tells whether the run is still going.' };
  }
}

const PROBLEM: Record<string, string> = {
  malformed: 'not a heartbeat body',
  oversized: 'too large (not read)',
  unreadable: 'could not be read',
  other_lock: 'names another lock',
  future_clock: "its writer's clock is far ahead",
  too_many: 'more writers than are read',
};

/** The evidence, one line each: heartbeat, process, state write, age against the longest run, suspicious objects. */
export function livenessEvidence(l: Liveness): string[] {
  const lines: string[] = [];
  if (l.holder) lines.push(`Process: ${l.holder.pid} on ${l.holder.host}${l.holder.state === 'exited' ? ' (exited)' : ''}: ${l.holder.command}`);
  lines.push(l.lastStateWrite ? `State written since the lock was taken: ${l.lastStateWrite}` : 'State not written since the lock was taken');
  if (l.ageSeconds !== null) lines.push(`Held for ${formatAge(l.ageSeconds)}; the longest run expected is ${formatAge(l.longestRunSeconds)}${l.overLongestRun ? ': longer than that' : ''}`);
  for (const s of l.suspicious.slice(0, 5)) lines.push(`Suspicious heartbeat ${s.objectKey}: ${PROBLEM[s.problem] ?? s.problem}`);
  if (l.suspicious.length > 5) lines.push(`…and ${l.suspicious.length - 5} more suspicious heartbeat objects`);
  return lines;
}
