/**
 * Events from successive snapshots. Pure: given what the previous and the current read showed, which
 * events are due. Ids are derived from the facts only (backend, key, lock identity, reminder number,
 * ETag/digest), never from the replica or the time it noticed, so every replica derives the same id
 * for the same fact and the claim (lib/aws/event-claims.ts) lets exactly one of them send it.
 */
import crypto from 'node:crypto';
import type { EventLock, LockboardEvent } from '../../api/alerts';
import { forceUnlockCommand } from '../../terraform/lock-info';
import type { Lock } from '../../terraform/locks';


function digestOf(...parts: string[]): string {
  return crypto.createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** The identity of one lock instance: the same holder re-taking the lock later is a new instance. */
export function lockIdentity(backendId: string, lock: Pick<Lock, 'key' | 'id' | 'created' | 'seen'>): string {
  return digestOf(backendId, lock.key, lock.id, lock.created, lock.id || lock.created ? '' : (lock.seen.dynamodbInfo ?? lock.seen.lockfileEtag ?? ''));
}

export interface BackendRef {
  id: string;
  name: string;
}

export interface RuleSettings {
  staleAfterMinutes: number;
  remindAfterMinutes: number;
  /** e.g. https://lockboard.example.com (no trailing slash), or null. */
  publicUrl: string | null;
  nowMs: number;
}

export interface StateFacts {
  key: string;
  workspace: string;
  etag: string | null;
  digest: string | null;
  digestStatus: string;
  calculatedMd5?: string;
}

export interface SnapshotFacts {
  locks: Lock[];
  /** Null when the states could not be evaluated (no digest events then). */
  states: StateFacts[] | null;
}

/** A recent successful Lockboard unlock, to say who released a lock. */
export interface KnownUnlock {
  key: string;
  lockId: string;
  actor: string;
  reason: string | null;
}

export function stateLink(publicUrl: string | null, backendId: string, key: string): string | null {
  if (!publicUrl) return null;
  return `${publicUrl.replace(/\/+$/, '')}/state?backend=${encodeURIComponent(backendId)}&key=${encodeURIComponent(key)}`;
}

function eventLock(lock: Lock): EventLock {
  return {
    id: lock.id,
    operation: lock.operation,
    who: lock.who,
    info: lock.info,
    version: lock.version,
    created: lock.created,
    path: lock.path,
    sources: [...lock.sources],
    problems: [...lock.problems],
    ageSeconds: lock.ageSeconds,
  };
}

export function formatAge(seconds: number | null): string {
  if (seconds === null) return 'for an unknown time';
  if (seconds < 120) return `for ${Math.round(seconds)} s`;
  if (seconds < 7200) return `for ${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `for ${(seconds / 3600).toFixed(1)} h`;
  return `for ${(seconds / 86_400).toFixed(1)} days`;
}

function lockEvent(type: LockboardEvent['type'], id: string, backend: BackendRef, lock: Lock, settings: RuleSettings, summary: string): LockboardEvent {
  return {
    id,
    type,
    at: new Date(settings.nowMs).toISOString(),
    backend: { ...backend },
    key: lock.key,
    workspace: lock.workspace,
    summary,
    link: stateLink(settings.publicUrl, backend.id, lock.key),
    lock: eventLock(lock),
    ageSeconds: lock.ageSeconds,
    // The one pasteable command (workspace step included); none for an ID a paste could split.
    ...(forceUnlockCommand(lock) ? { forceUnlock: forceUnlockCommand(lock)! } : {}),
  };
}

const holder = (lock: Lock) => `${lock.who || 'an unknown holder'}${lock.operation ? ` (${lock.operation})` : ''}`;
const MALFORMED: ReadonlySet<string> = new Set(['malformed_info', 'missing_id', 'bad_created', 'unreadable_lockfile']);

/** Which reminder is due for a stale lock: 0 once stale, n after n reminder periods more. */
export function reminderNumber(ageSeconds: number, settings: Pick<RuleSettings, 'staleAfterMinutes' | 'remindAfterMinutes'>): number | null {
  const past = ageSeconds - settings.staleAfterMinutes * 60;
  if (past < 0) return null;
  return Math.floor(past / (settings.remindAfterMinutes * 60));
}

/**
 * The events due after a read. `previous` is the read before it on this replica (null after start):
 * "went away" and "persisted" facts need it; "is stale" and "mismatches" facts do not (their ids make
 * a repeat harmless).
 */
export function deriveEvents(backend: BackendRef, previous: SnapshotFacts | null, current: SnapshotFacts, settings: RuleSettings, unlocks: KnownUnlock[] = []): LockboardEvent[] {
  const events: LockboardEvent[] = [];
  const currentIds = new Set(current.locks.map((l) => lockIdentity(backend.id, l)));
  const previousById = new Map((previous?.locks ?? []).map((l) => [lockIdentity(backend.id, l), l]));

  for (const lock of current.locks) {
    if (lock.problems.includes('other_bucket')) continue;
    const identity = lockIdentity(backend.id, lock);
    if (lock.stale && lock.ageSeconds !== null) {
      const n = reminderNumber(lock.ageSeconds, settings);
      if (n !== null) {
        const summary = `${n === 0 ? 'Stale lock' : `Reminder ${n}: still stale`}: ${lock.key} held by ${holder(lock)} ${formatAge(lock.ageSeconds)}`;
        events.push({ ...lockEvent('lock.stale', `lock.stale.${identity}.${n}`, backend, lock, settings, summary), reminder: n });
      }
    }
    if (lock.liveness?.state === 'dead') {
      const l = lock.liveness;
      const process = l.holder ? ` (process ${l.holder.pid} on ${l.holder.host}${l.holder.state === 'exited' ? ', exited' : ''})` : '';
      const summary = `Dead lock holder: ${lock.key} is still locked by ${holder(lock)}, but its last heartbeat${process} was ${formatAge(l.heartbeatAgeSeconds).replace(/^for /, '')} ago`;
      events.push({ ...lockEvent('lock.dead', `lock.dead.${identity}`, backend, lock, settings, summary), liveness: l });
    }
    const before = previousById.get(identity);
    // Split and malformed only once seen in two successive reads: Terraform writes the two sides of a
    // dual-mode lock one after the other, so a single read may catch a lock half-written.
    if (before && lock.problems.includes('split_lock') && before.problems.includes('split_lock')) {
      events.push(lockEvent('lock.split', `lock.split.${identity}`, backend, lock, settings, `Split lock: ${lock.key} is held on ${lock.sources.join(' and ') || 'no readable side'} only, or the two sides disagree (${holder(lock)})`));
    }
    const malformed = lock.problems.filter((p) => MALFORMED.has(p));
    if (before && malformed.length > 0 && before.problems.some((p) => MALFORMED.has(p))) {
      events.push(lockEvent('lock.malformed', `lock.malformed.${identity}`, backend, lock, settings, `Malformed lock on ${lock.key}: ${malformed.join(', ')}`));
    }
  }

  for (const [identity, lock] of previousById) {
    if (currentIds.has(identity) || !lock.stale || lock.problems.includes('other_bucket')) continue;
    const unlock = unlocks.find((u) => u.key === lock.key && (u.lockId === lock.id || u.lockId === ''));
    const how = unlock ? `force-unlocked in Lockboard by ${unlock.actor}` : 'released by its holder or another tool';
    events.push({
      ...lockEvent('lock.released', `lock.released.${identity}`, backend, lock, settings, `Released: the stale lock on ${lock.key} (${holder(lock)}) was ${how}`),
      released: { by: unlock ? 'lockboard' : 'holder_or_other', actor: unlock?.actor ?? null, reason: unlock?.reason ?? null },
    });
  }

  if (current.states) {
    const before = new Map((previous?.states ?? []).map((s) => [s.key, s]));
    for (const state of current.states) {
      if (state.digestStatus !== 'mismatch') continue;
      // "Newly fails": a state already mismatched in the previous read with the same bytes was told then.
      const prior = before.get(state.key);
      if (prior && prior.digestStatus === 'mismatch' && prior.etag === state.etag && prior.digest === state.digest && previous !== null) continue;
      events.push({
        id: `digest.mismatch.${digestOf(backend.id, state.key, state.etag ?? '', state.digest ?? '')}`,
        type: 'digest.mismatch',
        at: new Date(settings.nowMs).toISOString(),
        backend: { ...backend },
        key: state.key,
        workspace: state.workspace,
        summary: `Digest mismatch: ${state.key} no longer matches its stored digest; every plan on it will fail until the digest is repaired`,
        link: stateLink(settings.publicUrl, backend.id, state.key),
        digest: { stored: state.digest, calculated: state.calculatedMd5 ?? null, etag: state.etag },
      });
    }
  }
  return events;
}

export interface MutationFacts {
  auditId: string;
  action: string;
  outcome: string;
  user: string;
  reason: string | null;
  key: string | null;
  workspace: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  lockId: string | null;
}

/** Who an auto-release is recorded as (lib/jobs/auto-release.ts). */
export const AUTO_RELEASE_ACTOR = 'lockboard:auto-release';

/**
 * The event type of an audit record: raw downloads are their own type (off by default), Lockboard's own
 * release of a dead lock is `lock.auto_released`, the rest `mutation`.
 */
export function auditEventType(action: string, user = ''): 'download' | 'mutation' | 'lock.auto_released' {
  if (action === 'force-unlock' && user === AUTO_RELEASE_ACTOR) return 'lock.auto_released';
  return action === 'download' ? 'download' : 'mutation';
}

/** One event per Lockboard mutation attempt (or raw download), from its audit record. */
export function mutationEvent(backend: BackendRef, m: MutationFacts, settings: Pick<RuleSettings, 'publicUrl' | 'nowMs'>): LockboardEvent {
  const what = `${m.action}${m.key ? ` of ${m.key}` : ''}`;
  const type = auditEventType(m.action, m.user);
  return {
    id: `${type}.${m.auditId}.${m.outcome}`,
    type,
    at: new Date(settings.nowMs).toISOString(),
    backend: { ...backend },
    key: m.key,
    workspace: m.workspace,
    summary: `Lockboard ${what} by ${m.user}: ${m.outcome}${m.reason ? ` (reason: ${m.reason})` : ''}${m.errorMessage ? ` - ${m.errorMessage}` : ''}`,
    link: m.key ? stateLink(settings.publicUrl, backend.id, m.key) : null,
    ...(m.lockId && m.outcome !== 'succeeded' && forceUnlockCommand({ id: m.lockId, workspace: m.workspace ?? 'default' }) ? { forceUnlock: forceUnlockCommand({ id: m.lockId, workspace: m.workspace ?? 'default' })! } : {}),
    mutation: { action: m.action, actor: m.user, reason: m.reason, outcome: m.outcome, errorCode: m.errorCode, errorMessage: m.errorMessage, auditId: m.auditId },
  };
}

/** What the per-actor rate limit held back, as one event of the type held back (lib/jobs/alerting/actor-limit.ts). */
export interface HeldBack {
  actor: string;
  type: 'download' | 'mutation';
  suppressed: number;
  windowStartMs: number;
  windowEndMs: number;
}

/** The summary event of held-back events; its id names the replica (each replica limits on its own). */
export function heldBackEvent(backend: BackendRef, held: HeldBack, replica: string, settings: Pick<RuleSettings, 'nowMs'>): LockboardEvent {
  const from = new Date(held.windowStartMs).toISOString();
  const to = new Date(held.windowEndMs).toISOString();
  const what = held.type === 'download' ? 'raw state downloads' : 'Lockboard changes';
  return {
    id: `${held.type}.held.${digestOf(backend.id, held.actor, replica, from)}`,
    type: held.type,
    at: new Date(settings.nowMs).toISOString(),
    backend: { ...backend },
    key: null,
    workspace: null,
    summary: `${held.suppressed} more ${what} by ${held.actor} between ${from} and ${to} were not sent one by one (rate limit per actor); the audit log has each of them`,
    link: null,
    rateLimited: { actor: held.actor, suppressed: held.suppressed, from, to },
  };
}
