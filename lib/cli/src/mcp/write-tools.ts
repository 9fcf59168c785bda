/**
 * The MCP server's changes, in two steps. `plan_*` reads the target, says exactly what would change,
 * and returns a confirmation token (plans.ts) bound to it; `apply_*` redeems the token once, reads
 * again, and makes the change through the same conditional API the web page uses, refused when the
 * lock is no longer exactly the one planned. Each change names the agent (`X-Lockboard-Client:
 * mcp/<agent>`) and is audited by the server with the verified user behind it.
 */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Lock } from '../../../api/locks';
import { sessionAllows } from '../../../api/session';
import type { LockboardApi } from '../api';
import { lockFingerprint, locksAt, unlockBodyFor } from '../locks';
import { backendArg, keyArg } from './read-tools';
import { PlanStore, type PlanAction, type PlanTarget } from './plans';
import { dataResult, errorResult, guarded } from './results';

const lockIdArg = z.string().max(256).describe('the lock ID exactly as list_locks shows it');
const reasonArg = z.string().trim().min(1).max(500).describe('why, in the user\'s words; stored in the audit record');
const tokenArg = z.string().min(1).max(200).describe('the confirmation token plan_* returned for exactly this change');

export interface WriteToolsDeps {
  api: () => LockboardApi;
  /** The agent's name (`--agent`, else the MCP client's own name). */
  agent: () => string;
  plans: PlanStore;
}

const CHANGE = { readOnlyHint: false, openWorldHint: false, idempotentHint: false } as const;

export function registerWriteTools(server: McpServer, deps: WriteToolsDeps): void {
  const { api, plans } = deps;

  /** Who is asking: the user the server verified, and the agent speaking for them. */
  async function caller() {
    const session = await api().session();
    return { session, id: `${session.user ?? 'anonymous'} via mcp/${deps.agent()}` };
  }

  async function plan(target: PlanTarget, lock: Lock | null, body: unknown, effect: string) {
    const { session, id } = await caller();
    if (!sessionAllows(session, 'operator', target.backend, target.key)) {
      return errorResult('Refused: the server says this caller may not change this state (operator role needed, or read-only mode); no token issued', 'forbidden', { user: session.user, backend: target.backend, key: target.key });
    }
    const { token, expiresAt } = plans.issue({ ...target, fingerprint: lock ? lockFingerprint(lock) : null, caller: id, body });
    return dataResult(
      `Plan: ${effect}. Nothing has changed yet. To do it, call apply_${target.action} with the same backend, key${target.lockId !== null ? ', lock_id' : ''} and this token before ${expiresAt} (single use). The token is refused if the lock changes meanwhile. Confirm with the user first.`,
      { plan: { action: target.action, backend: target.backend, key: target.key, lockId: target.lockId, request: body, lockAsRead: lock }, confirmation: { token, expiresAt, caller: id } },
    );
  }

  /** Redeems the token and reads again: the lock planned (or, for a freeze, no lock) must still be exactly there. */
  async function redeem(target: PlanTarget, token: string) {
    const { id } = await caller();
    const planned = plans.redeem(token, target, id);
    const now = locksAt((await api().locks(target.backend)).locks, target.key);
    const same = planned.fingerprint === null ? now.length === 0 : now.some((l) => lockFingerprint(l) === planned.fingerprint);
    return { planned, same, now };
  }

  const changed = (action: PlanAction, now: Lock[]) =>
    errorResult(`Refused: the lock on this state is not the one planned any more (${now.length === 0 ? 'released' : 'replaced or changed'}); nothing changed. Read the locks again and plan again if still wanted`, 'lock_changed', { action, currentLocks: now });

  const findLock = (locks: Lock[], key: string, lockId: string) => locksAt(locks, key).filter((l) => l.id === lockId);

  server.registerTool(
    'plan_unlock',
    {
      title: 'Plan a force-unlock',
      description: 'Step 1 of 2: reads the lock and returns exactly what a force-unlock would delete and a short-lived, single-use confirmation token. Changes nothing. Show the plan to the user and get their agreement before apply_unlock.',
      inputSchema: { backend: backendArg, key: keyArg, lock_id: lockIdArg, reason: reasonArg },
      annotations: { ...CHANGE, readOnlyHint: true },
    },
    ({ backend, key, lock_id, reason }) =>
      guarded(async () => {
        const matching = findLock((await api().locks(backend)).locks, key, lock_id);
        if (matching.length !== 1) return errorResult(matching.length === 0 ? 'No lock with this ID on this state (read list_locks again); no token issued' : 'This ID names two locks (a split lock): unlock them from the web page', matching.length === 0 ? 'lock_not_found' : 'ambiguous_lock', { currentLocks: locksAt((await api().locks(backend)).locks, key) });
        const lock = matching[0]!;
        return plan({ action: 'unlock', backend, key, lockId: lock_id }, lock, unlockBodyFor(lock, reason), `force-unlock would delete ${lock.sources.map((s) => (s === 's3' ? 'the .tflock object' : 'the DynamoDB lock item')).join(' and ')} of this lock, only if it is still exactly as read`);
      }),
  );

  /** `apply_unlock` and `apply_unfreeze`: the change planned for one lock, made with its token if the lock is still exactly the one planned. */
  function registerLockApply(action: 'unlock' | 'unfreeze', title: string, description: string, perform: (backend: string, body: unknown) => Promise<ReturnType<typeof dataResult>>) {
    server.registerTool(
      `apply_${action}`,
      { title, description, inputSchema: { backend: backendArg, key: keyArg, lock_id: lockIdArg, token: tokenArg }, annotations: { ...CHANGE, destructiveHint: true } },
      ({ backend, key, lock_id, token }) =>
        guarded(async () => {
          const { planned, same, now } = await redeem({ action, backend, key, lockId: lock_id }, token);
          return same ? perform(backend, planned.body) : changed(action, now);
        }),
    );
  }

  registerLockApply(
    'unlock',
    'Apply a planned force-unlock',
    'Step 2 of 2: force-unlocks exactly the lock planned by plan_unlock, with its token. Refused for another lock\'s token, an expired or used token, or a lock that changed since the plan.',
    async (backend, body) => {
      const result = await api().unlock(backend, body as Parameters<LockboardApi['unlock']>[1]);
      return dataResult(`Force-unlocked: released ${result.sources.join(' and ') || 'nothing more'}; audit record ${result.auditId}.`, result);
    },
  );

  server.registerTool(
    'plan_freeze',
    {
      title: 'Plan a freeze',
      description: 'Step 1 of 2: a freeze takes a real Terraform lock on one unlocked state so that every run fails with the reason. Returns the plan and a confirmation token; changes nothing.',
      inputSchema: { backend: backendArg, key: keyArg, reason: reasonArg, review_by: z.iso.datetime({ offset: true }).optional().describe('a reminder shown with the freeze (ISO 8601)') },
      annotations: { ...CHANGE, readOnlyHint: true },
    },
    ({ backend, key, reason, review_by }) =>
      guarded(async () => {
        const held = locksAt((await api().locks(backend)).locks, key);
        if (held.length > 0) return errorResult('This state is locked: a freeze never takes over another lock; no token issued', 'locked', { currentLocks: held });
        return plan({ action: 'freeze', backend, key, lockId: null }, null, { key, reason, ...(review_by ? { reviewBy: review_by } : {}) }, 'freeze would take a new Terraform lock on this state (only if it is still unlocked)');
      }),
  );

  server.registerTool(
    'apply_freeze',
    {
      title: 'Apply a planned freeze',
      description: 'Step 2 of 2: freezes exactly the state planned by plan_freeze, with its token. Refused for another state\'s token, an expired or used token, or a state locked since the plan.',
      inputSchema: { backend: backendArg, key: keyArg, token: tokenArg },
      annotations: CHANGE,
    },
    ({ backend, key, token }) =>
      guarded(async () => {
        const { planned, same, now } = await redeem({ action: 'freeze', backend, key, lockId: null }, token);
        if (!same) return changed('freeze', now);
        const result = await api().freeze(backend, planned.body as Parameters<LockboardApi['freeze']>[1]);
        const outcome = result.results[0]?.outcome ?? 'failed';
        return outcome === 'frozen' ? dataResult(`Frozen; audit record ${result.auditId}.`, result) : errorResult('Not frozen', outcome, result);
      }),
  );

  server.registerTool(
    'plan_unfreeze',
    {
      title: 'Plan an unfreeze',
      description: 'Step 1 of 2: reads the freeze lock and returns what unfreezing would release and a confirmation token. Changes nothing. Only a Lockboard freeze is released; another lock is left alone.',
      inputSchema: { backend: backendArg, key: keyArg, lock_id: lockIdArg, reason: reasonArg },
      annotations: { ...CHANGE, readOnlyHint: true },
    },
    ({ backend, key, lock_id, reason }) =>
      guarded(async () => {
        const matching = findLock((await api().locks(backend)).locks, key, lock_id);
        if (matching.length === 0) return errorResult('No lock with this ID on this state (read list_locks again); no token issued', 'lock_not_found');
        return plan({ action: 'unfreeze', backend, key, lockId: lock_id }, matching[0]!, { reason, locks: [{ key, id: lock_id }] }, 'unfreeze would release this freeze lock (only if it is still this Lockboard freeze)');
      }),
  );

  registerLockApply(
    'unfreeze',
    'Apply a planned unfreeze',
    'Step 2 of 2: releases exactly the freeze planned by plan_unfreeze, with its token. Refused for another lock\'s token, an expired or used token, or a lock that changed since the plan.',
    async (backend, body) => {
      const result = await api().unfreeze(backend, body as Parameters<LockboardApi['unfreeze']>[1]);
      const outcome = result.results[0]?.outcome ?? 'failed';
      return outcome === 'released' ? dataResult(`Unfrozen; audit record ${result.auditId}.`, result) : errorResult('Not unfrozen', outcome, result);
    },
  );
}
