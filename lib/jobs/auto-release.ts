import 'server-only';
/**
 * Safe auto-release (opt-in, `liveness.autoRelease`): a lock proven `dead` (lib/terraform/liveness.ts:
 * its holder's heartbeats stopped, while it is still held) for `afterMinutes`, on a backend and key a
 * policy names, is force-unlocked by Lockboard itself:
 *
 * - through the same path as a person's force-unlock (lib/services/force-unlock.ts), conditional on
 *   exactly the lock judged dead (its `seen` values): a lock taken again meanwhile is never touched;
 * - under the same audit record as a person's (`audited` of lib/http/mutation-route.ts), recorded as
 *   done by `lockboard:auto-release`, with the liveness evidence and the policy in `seen`; alerting
 *   turns that record into a `lock.auto_released` event;
 * - by one replica only: each writes a claim `auto-release.<lock identity>` in the bucket with
 *   `If-None-Match: *` (lib/aws/event-claims.ts) and only the one whose write succeeds releases. A
 *   claim left by a replica that died before releasing is taken over after CLAIM_LEASE_MS. Should two
 *   try anyway, the release is conditional: the second finds the lock gone (`lock_not_found`, audited
 *   as failed) and deletes nothing.
 *
 * A lock without a heartbeat is `unknown`, never `dead`: it is never released here.
 */
import { globMatches } from '../api/key-globs';
import { readClaim, writeClaim } from '../aws/event-claims';
import { audited } from '../http/mutation-route';
import { withCallOrigin } from '../server/call-origin';
import { getConfig, type BackendConfig } from '../server/config';
import type { AutoReleasePolicy } from '../server/config-liveness';
import { logger } from '../server/logger';
import { recordAutoRelease } from '../server/metrics';
import { forceUnlock } from '../services/force-unlock';
import { listLocks } from '../services/list-locks';
import { deadForSeconds } from '../terraform/liveness';
import type { Lock } from '../terraform/locks';
import { AUTO_RELEASE_ACTOR, lockIdentity } from './alerting/event-rules';

const CLAIM_LEASE_MS = 10 * 60_000;

interface JobState {
  timer: ReturnType<typeof setInterval> | null;
  running: boolean;
  replica: string;
}
const key = Symbol.for('lockboard.autoRelease');
function job(): JobState {
  const holder = globalThis as unknown as Record<symbol, JobState | undefined>;
  holder[key] ??= { timer: null, running: false, replica: `${process.pid}-${Math.random().toString(36).slice(2, 8)}` };
  return holder[key];
}

/** The policy that covers this lock of this backend, or null. */
export function policyFor(policies: readonly AutoReleasePolicy[], backendId: string, lockKey: string): AutoReleasePolicy | null {
  return policies.find((p) => p.backends.some((b) => globMatches(b, backendId)) && p.keys.some((k) => globMatches(k, lockKey))) ?? null;
}

/** Whether this lock is due: dead for the policy's time, not a freeze, not another bucket's. */
export function isDue(lock: Lock, policy: AutoReleasePolicy, nowMs: number): boolean {
  const l = lock.liveness;
  if (!l || l.state !== 'dead' || lock.freezeVerified || lock.problems.includes('other_bucket') || lock.id === '') return false;
  return deadForSeconds(l, nowMs) >= policy.afterMinutes * 60;
}

/** Claims the release for this replica (exactly one wins). */
async function claim(backend: BackendConfig, claimId: string): Promise<boolean> {
  const body = JSON.stringify({ replica: job().replica, at: new Date().toISOString() });
  if ((await writeClaim(backend, claimId, body, { ifNoneMatch: true })).won) return true;
  const held = await readClaim(backend, claimId);
  if (!held) return false;
  // A replica that claimed and died leaves its claim: taken over after the lease (or at once when not ours).
  const at = held.status === 'ours' ? Date.parse((JSON.parse(held.body) as { at?: string }).at ?? '') : 0;
  if (held.status === 'ours' && Date.now() - at < CLAIM_LEASE_MS) return false;
  return (await writeClaim(backend, claimId, body, { ifMatch: held.etag })).won;
}

async function release(backend: BackendConfig, lock: Lock, policy: AutoReleasePolicy): Promise<void> {
  const l = lock.liveness!;
  const claimId = `auto-release.${lockIdentity(backend.id, lock)}`;
  if (!(await claim(backend, claimId))) return;
  const reason = `auto-release: the holder's heartbeats stopped at ${l.lastHeartbeat} (dead since ${l.deadSince}; policy: after ${policy.afterMinutes} min)`;
  const seen = { id: lock.id, key: lock.key, lock: { who: lock.who, operation: lock.operation, created: lock.created, version: lock.version, path: lock.path, sources: lock.sources }, seen: lock.seen, liveness: l, policy };
  try {
    await audited({ identity: { user: AUTO_RELEASE_ACTOR, anonymous: false }, backend, action: 'force-unlock', key: lock.key, reason, seen, via: 'lockboard/auto-release' }, (ctx) =>
      forceUnlock(backend, { key: lock.key, id: lock.id, seen: lock.seen, ...(lock.sources.length === 1 ? { source: lock.sources[0] } : {}) }, ctx),
    );
    recordAutoRelease(backend.id, 'released');
    logger.info('auto-released a dead lock', { backend: backend.id, key: lock.key, lockId: lock.id, lastHeartbeat: l.lastHeartbeat });
  } catch (e) {
    const code = (e as { code?: string }).code;
    recordAutoRelease(backend.id, code === 'lock_changed' || code === 'lock_not_found' ? 'changed' : 'failed');
    logger.warn('auto-release did not release', { backend: backend.id, key: lock.key, lockId: lock.id, error: e });
  }
}

/** One pass over every backend an auto-release policy names. */
export async function autoReleasePass(nowMs = Date.now()): Promise<void> {
  const { backends, liveness } = getConfig();
  if (liveness.autoRelease.length === 0) return;
  for (const backend of backends) {
    if (!liveness.autoRelease.some((p) => p.backends.some((b) => globMatches(b, backend.id)))) continue;
    try {
      const { locks } = await listLocks(backend, nowMs);
      for (const lock of locks) {
        const policy = policyFor(liveness.autoRelease, backend.id, lock.key);
        if (policy && isDue(lock, policy, nowMs)) await release(backend, lock, policy);
      }
    } catch (e) {
      logger.warn('auto-release could not read a backend', { backend: backend.id, error: e });
    }
  }
}

/** Starts the loop on this replica (idempotent; nothing without a policy). It keeps its backends' watchers reading. */
export function startAutoRelease(): void {
  const st = job();
  const { liveness } = getConfig();
  if (st.timer || liveness.autoRelease.length === 0) return;
  st.timer = setInterval(() => {
    if (st.running) return;
    st.running = true;
    void withCallOrigin('watcher', () => autoReleasePass()).finally(() => (st.running = false));
  }, liveness.autoReleaseIntervalSeconds * 1000);
  st.timer.unref?.();
  logger.info('auto-release started', { policies: liveness.autoRelease.length, replica: st.replica });
}

/** Tests: stop the loop. */
export function stopAutoRelease(): void {
  const st = job();
  if (st.timer) clearInterval(st.timer);
  st.timer = null;
}
