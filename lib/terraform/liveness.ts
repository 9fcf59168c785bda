/**
 * Is the process holding a lock still running? The rule, pure: given the lock, the heartbeat objects
 * filed under its ID (written by `lockboard run`, timed by S3's LastModified, never by the writer's
 * clock), the last state write and the thresholds, say `alive`, `dead` or `unknown` with the evidence.
 *
 * - `alive`: a heartbeat that names exactly this lock (ID, Who, Created) and says `running` was written
 *   less than `aliveWithinSeconds` ago.
 * - `dead`: the lock has such heartbeats, and the newest was written more than `deadAfterSeconds` ago,
 *   and the state was not written after it (Terraform writes state during an apply: a later write means
 *   the holder outlived its heartbeat, which is then no proof).
 * - `unknown`: anything else: no heartbeat (not run through the wrapper), a late one, only suspicious ones.
 *
 * A heartbeat that is malformed, oversized, unreadable, names another lock, or claims a start far after
 * S3 stored it proves nothing: it is listed as suspicious and ignored, so it can neither keep a dead
 * lock alive nor make a live one dead.
 */
import { parseRfc3339 } from './lock-info';

export type LivenessState = 'alive' | 'dead' | 'unknown';
export type LivenessReason = 'heartbeat_fresh' | 'heartbeat_stopped' | 'heartbeat_late' | 'holder_exited' | 'state_written_after_heartbeat' | 'no_heartbeat' | 'suspicious_only';
export type HeartbeatProblem = 'malformed' | 'oversized' | 'unreadable' | 'other_lock' | 'future_clock' | 'too_many';

/** The fields of a heartbeat body the rule reads (lib/api/heartbeat.ts has the whole format). */
export interface HeartbeatClaim {
  lockId: string;
  who: string;
  created: string;
  host: string;
  pid: number;
  command: string;
  state: 'running' | 'exited';
  intervalSeconds: number;
  startedAt: string;
}

/** One heartbeat object under the lock's ID, as read. */
export interface HeartbeatRead {
  objectKey: string;
  /** LastModified from the bucket listing (S3's clock), or null when the listing had none. */
  lastModifiedMs: number | null;
  /** The parsed body, or null with `problem` (malformed, oversized, unreadable). */
  body: HeartbeatClaim | null;
  problem?: HeartbeatProblem;
}

export interface LivenessSettings {
  nowMs: number;
  aliveWithinSeconds: number;
  deadAfterSeconds: number;
  longestRunMinutes: number;
}

export interface SuspiciousHeartbeat {
  objectKey: string;
  problem: HeartbeatProblem;
}

export interface LockLiveness {
  state: LivenessState;
  reason: LivenessReason;
  /** The newest heartbeat naming this lock (S3's time), or null. */
  lastHeartbeat: string | null;
  heartbeatAgeSeconds: number | null;
  /** When the lock became dead (last heartbeat + deadAfterSeconds); set only when `dead`. */
  deadSince: string | null;
  /** The process the newest heartbeat names. */
  holder: { host: string; pid: number; command: string; state: 'running' | 'exited'; intervalSeconds: number; startedAt: string } | null;
  /** Heartbeat writers that name this lock. */
  writers: number;
  /** The state object's last write after the lock was taken (S3's time), or null. */
  lastStateWrite: string | null;
  ageSeconds: number | null;
  longestRunSeconds: number;
  /** The lock is older than the longest run configured (evidence, not proof). */
  overLongestRun: boolean;
  suspicious: SuspiciousHeartbeat[];
  aliveWithinSeconds: number;
  deadAfterSeconds: number;
}

/** Heartbeat objects read per lock; more are listed as `too_many` and ignored. */
export const MAX_HEARTBEATS_PER_LOCK = 8;
/** A writer's start time this far after S3 stored its object is a clock that cannot be trusted. */
const FUTURE_CLOCK_MS = 5 * 60_000;

export interface LockFacts {
  id: string;
  who: string;
  created: string;
  ageSeconds: number | null;
}

function problemOf(lock: LockFacts, beat: HeartbeatRead): HeartbeatProblem | null {
  if (beat.problem) return beat.problem;
  const b = beat.body;
  if (!b || beat.lastModifiedMs === null) return 'malformed';
  if (b.lockId !== lock.id || b.who !== lock.who || b.created !== lock.created) return 'other_lock';
  const started = parseRfc3339(b.startedAt);
  if (started === null) return 'malformed';
  if (started - beat.lastModifiedMs > FUTURE_CLOCK_MS) return 'future_clock';
  return null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function evaluateLiveness(lock: LockFacts, beats: readonly HeartbeatRead[], lastStateWriteMs: number | null, s: LivenessSettings): LockLiveness {
  const suspicious: SuspiciousHeartbeat[] = [];
  const valid: Array<HeartbeatRead & { body: HeartbeatClaim; lastModifiedMs: number }> = [];
  beats.forEach((beat, i) => {
    const problem = i >= MAX_HEARTBEATS_PER_LOCK ? 'too_many' : problemOf(lock, beat);
    if (problem) suspicious.push({ objectKey: beat.objectKey, problem });
    else valid.push(beat as HeartbeatRead & { body: HeartbeatClaim; lastModifiedMs: number });
  });
  const createdMs = parseRfc3339(lock.created);
  const stateWrite = lastStateWriteMs !== null && (createdMs === null || lastStateWriteMs >= createdMs) ? lastStateWriteMs : null;
  const longestRunSeconds = Math.round(s.longestRunMinutes * 60);
  const base = {
    lastStateWrite: iso(stateWrite),
    ageSeconds: lock.ageSeconds,
    longestRunSeconds,
    overLongestRun: lock.ageSeconds !== null && lock.ageSeconds > longestRunSeconds,
    suspicious,
    aliveWithinSeconds: s.aliveWithinSeconds,
    deadAfterSeconds: s.deadAfterSeconds,
    writers: valid.length,
  };
  if (valid.length === 0) {
    return { ...base, state: 'unknown', reason: suspicious.length > 0 ? 'suspicious_only' : 'no_heartbeat', lastHeartbeat: null, heartbeatAgeSeconds: null, deadSince: null, holder: null };
  }
  // S3's clock against ours: a time slightly ahead is "just now", never a negative age.
  const ageOf = (ms: number) => Math.max(0, (s.nowMs - ms) / 1000);
  const newest = valid.reduce((a, b) => (b.lastModifiedMs > a.lastModifiedMs ? b : a));
  const age = ageOf(newest.lastModifiedMs);
  const b = newest.body;
  const evidence = {
    ...base,
    lastHeartbeat: iso(newest.lastModifiedMs),
    heartbeatAgeSeconds: Math.round(age),
    holder: { host: b.host, pid: b.pid, command: b.command, state: b.state, intervalSeconds: b.intervalSeconds, startedAt: b.startedAt },
  };
  if (valid.some((v) => v.body.state === 'running' && ageOf(v.lastModifiedMs) <= s.aliveWithinSeconds)) {
    return { ...evidence, state: 'alive', reason: 'heartbeat_fresh', deadSince: null };
  }
  if (age <= s.deadAfterSeconds) {
    return { ...evidence, state: 'unknown', reason: b.state === 'exited' ? 'holder_exited' : 'heartbeat_late', deadSince: null };
  }
  // A state write after the last beat (past one interval of slack): the holder outlived its heartbeat.
  const slackMs = Math.max(b.intervalSeconds, 15) * 1000;
  if (stateWrite !== null && stateWrite > newest.lastModifiedMs + slackMs) {
    return { ...evidence, state: 'unknown', reason: 'state_written_after_heartbeat', deadSince: null };
  }
  return { ...evidence, state: 'dead', reason: b.state === 'exited' ? 'holder_exited' : 'heartbeat_stopped', deadSince: iso(newest.lastModifiedMs + s.deadAfterSeconds * 1000) };
}

/** Seconds a lock has been dead at `nowMs` (0 when it is not dead). */
export function deadForSeconds(l: Pick<LockLiveness, 'state' | 'deadSince'>, nowMs: number): number {
  if (l.state !== 'dead' || l.deadSince === null) return 0;
  return Math.max(0, (nowMs - Date.parse(l.deadSince)) / 1000);
}
