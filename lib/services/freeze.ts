import 'server-only';
/**
 * Freeze and unfreeze (issue 15): stop all changes to one state, or to every state under a prefix,
 * with a reason whoever is blocked reads in Terraform's own lock error. A freeze is a real Terraform
 * lock in the backend's lock mode (lib/services/freeze-lock.ts), never written over an existing lock:
 * a state someone else holds is reported and left alone. Unfreeze releases exactly the freeze locks
 * named, each only while it is still that freeze. Nothing expires by itself: `reviewBy` is a reminder.
 *
 * A prefix is listed first (`freezeTargets`), so the route can authorise every state it names; each
 * state is then frozen (or unfrozen) under its own audit record.
 */
import crypto from 'node:crypto';
import { listAllObjects } from '../aws/state-bucket';
import { AppError } from '../api/errors';
import { FREEZE_MAX, type FreezeBody, type FreezeItemResult, type FreezeOutcome, type FreezeResponse, type UnfreezeBody, type UnfreezeItemResult, type UnfreezeOutcome, type UnfreezeResponse } from '../api/freeze';
import { mapLimit } from '../server/concurrency';
import type { BackendConfig } from '../server/config';
import { LOCKBOARD_VERSION } from '../server/version';
import { freezeLockInfo, freezeOf } from '../terraform/freeze-lock';
import { isStateKey } from '../terraform/paths';
import { releaseFreezeLock, takeFreezeLock } from './freeze-lock';
import { runItem, type ItemSteps } from './item-steps';
import { assertStateKey } from './state-version';

const CONCURRENCY = 8;

function lockless(backend: BackendConfig): AppError {
  return new AppError('bad_request', `Backend "${backend.id}" uses neither a DynamoDB table nor lock files, so Terraform takes no lock Lockboard could hold: it cannot be frozen.`, { backend: backend.id });
}

/** The states a freeze targets: the one key, or every state object under the prefix (fresh listing). */
export async function freezeTargets(backend: BackendConfig, input: FreezeBody): Promise<string[]> {
  if (!backend.useLockfile && !backend.dynamodbTable) throw lockless(backend);
  if (input.key !== undefined) {
    assertStateKey(backend, input.key);
    return [input.key];
  }
  const prefix = input.prefix ?? '';
  const keys = (await listAllObjects(backend, prefix)).map((o) => o.key).filter((k) => isStateKey(k, backend.stateSuffixes));
  if (keys.length === 0) throw new AppError('bad_request', `No state of backend "${backend.id}" is under the prefix "${prefix}": nothing was frozen.`, { backend: backend.id, prefix });
  if (keys.length > FREEZE_MAX) {
    throw new AppError('bad_request', `${keys.length} states are under "${prefix}"; at most ${FREEZE_MAX} can be frozen at once. Nothing was frozen: use a longer prefix.`, { backend: backend.id, prefix, count: keys.length });
  }
  return keys.sort();
}

/** Takes the freeze lock on one state; someone else's lock is an answer, not an error. */
async function freezeOne(backend: BackendConfig, key: string, input: FreezeBody, user: string): Promise<FreezeItemResult> {
  const info = freezeLockInfo({
    bucket: backend.bucket,
    key,
    user,
    reason: input.reason,
    reviewBy: input.reviewBy ?? null,
    version: LOCKBOARD_VERSION,
    randomBytes: crypto.randomBytes(16),
    epochMs: Date.now(),
    nanos: Number(process.hrtime.bigint() % 1_000_000n),
  });
  const taken = await takeFreezeLock(backend, key, info);
  if (taken.taken) return { key, outcome: 'frozen', lockId: taken.lockId, message: 'Frozen.' };
  const holder = taken.holder;
  const brief = holder ? { who: holder.who, operation: holder.operation, created: holder.created, info: holder.info } : null;
  const mark = holder ? freezeOf(holder) : null;
  if (mark) return { key, outcome: 'already_frozen', lockId: holder?.id ?? null, holder: brief, message: `Already frozen by ${mark.frozenBy}: ${mark.reason}. Left as it is.` };
  return { key, outcome: 'locked', lockId: holder?.id ?? null, holder: brief, message: taken.message.replace(/ restore once the lock is released\.$/, ' freeze it once that lock is released.') };
}

/** A state that was not frozen, as its audit record's error (nothing was changed). */
function notFrozen(backend: BackendConfig, r: FreezeItemResult): AppError | null {
  if (r.outcome === 'frozen') return null;
  return new AppError('locked', r.message, { backend: backend.id, key: r.key, holder: r.holder ?? null, outcome: r.outcome, ...(r.lockId ? { lockId: r.lockId } : {}) });
}

/** Freezes `keys` (from `freezeTargets`, each authorised), each under its own audit record. */
export async function freezeStates(backend: BackendConfig, input: FreezeBody, keys: readonly string[], steps: ItemSteps<string>): Promise<FreezeResponse> {
  const reviewBy = input.reviewBy ?? null;
  const results = await mapLimit(keys, CONCURRENCY, (key) =>
    runItem(steps, key, (step) => freezeOne(backend, key, input, step.user), {
      failure: (r) => notFrozen(backend, r),
      onError: (error): FreezeItemResult => ({ key, outcome: 'failed', lockId: null, message: error.message }),
    }),
  );
  const counts: Record<FreezeOutcome, number> = { frozen: 0, already_frozen: 0, locked: 0, failed: 0 };
  for (const r of results) counts[r.outcome]++;
  steps.note({ reviewBy, counts, results: results.map((r) => ({ key: r.key, outcome: r.outcome, lockId: r.lockId, auditId: r.auditId })) });
  // One state asked for and not frozen: a plain error answer, nothing was changed.
  const only = results.length === 1 ? results[0]! : null;
  if (input.key !== undefined && only && only.outcome !== 'frozen') {
    throw new AppError(only.outcome === 'failed' ? 'aws_error' : 'locked', only.message, { backend: backend.id, key: only.key, holder: only.holder ?? null, outcome: only.outcome });
  }
  return { auditId: steps.auditId, requested: keys.length, counts, partial: counts.frozen !== keys.length, results };
}

type FreezeRef = UnfreezeBody['locks'][number];

async function unfreezeOne(backend: BackendConfig, { key, id }: FreezeRef): Promise<UnfreezeItemResult> {
  assertStateKey(backend, key);
  const out = await releaseFreezeLock(backend, key, id);
  if (out.outcome === 'released') return { key, id, outcome: 'released', message: out.notes.length ? `Released. ${out.notes.join(' ')}` : 'Released.' };
  if (out.outcome === 'gone') return { key, id, outcome: 'gone', message: 'No lock is there any more: the freeze was already released.' };
  return { key, id, outcome: 'not_a_freeze', message: `"${key}" is now held by ${out.holder.who || 'an unknown holder'} (${out.holder.operation || 'unknown operation'}, ID ${out.holder.id || 'none'}), not by freeze ${id}: left alone.` };
}

/** A freeze that was not released, as its audit record's error (nothing was changed). */
function notReleased(backend: BackendConfig, r: UnfreezeItemResult): AppError | null {
  if (r.outcome === 'released') return null;
  if (r.outcome === 'gone') return new AppError('lock_not_found', r.message, { backend: backend.id, key: r.key });
  return new AppError('locked', r.message, { backend: backend.id, key: r.key, holder: null, outcome: r.outcome });
}

/** Releases the freezes named (each authorised), each only while it is still that freeze, under its own audit record. */
export async function unfreezeStates(backend: BackendConfig, locks: readonly FreezeRef[], steps: ItemSteps<FreezeRef>): Promise<UnfreezeResponse> {
  const results = await mapLimit(locks, CONCURRENCY, (lock) =>
    runItem(steps, lock, () => unfreezeOne(backend, lock), {
      failure: (r) => notReleased(backend, r),
      onError: (error): UnfreezeItemResult => ({ key: lock.key, id: lock.id, outcome: 'failed', message: error.message }),
    }),
  );
  const counts: Record<UnfreezeOutcome, number> = { released: 0, not_a_freeze: 0, gone: 0, failed: 0 };
  for (const r of results) counts[r.outcome]++;
  steps.note({ counts, results: results.map((r) => ({ key: r.key, id: r.id, outcome: r.outcome, auditId: r.auditId })) });
  return { auditId: steps.auditId, counts, partial: counts.released !== locks.length, results };
}
