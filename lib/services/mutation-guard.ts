import 'server-only';
/**
 * The one gate every mutation goes through (force-unlock, digest repair, restore):
 *
 *   same-origin JSON → identity → read-only → operator → audit record written → change → outcome recorded
 *
 * A refusal at any step is recorded (best effort) and rethrown as its typed error; if the audit
 * record cannot be written the change is refused with 503 and nothing is touched. After the change
 * (succeeded or failed: a failure may be partial) the backend's cached snapshot is dropped.
 */
import type { z } from 'zod';
import { beginAudit, completeAudit, recordRefusal, type AuditAction } from '../audit/audit-log';
import { clientAddress } from '../audit/refusal-throttle';
import { assertCanMutate, identify, type Identity } from '../auth/identity';
import { assertSameOriginJson } from '../auth/origin';
import { getBackend } from '../server/backends';
import { getConfig, type BackendConfig } from '../server/config';
import { AppError } from '../api/errors';
import { parseInput } from '../http/handle';
import { invalidateSnapshot } from './backend-snapshot';

export type MutationAction = AuditAction;

export interface MutationMeta {
  backendId: string;
  action: MutationAction;
  key: string;
  reason: string;
  /** What the operator saw (the lock, the digest, the version…), stored in the audit record. */
  seen: unknown;
}

export interface MutationContext {
  user: string;
  backend: BackendConfig;
  auditId: string;
  /** Adds facts to the audit record's `details` (what was freshly read, what was written). */
  note: (details: Record<string, unknown>) => void;
}

/** The caller as far as it can be told, for a refusal record (never throws). */
function bestEffortIdentity(request: Request): Identity {
  try {
    return identify(request, getConfig());
  } catch {
    return { user: '(unidentified)', anonymous: true };
  }
}

function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  console.error('[lockboard] mutation failed unexpectedly', e);
  return new AppError('internal', 'Internal error; the server log has the details.');
}

/**
 * Checks that the request may change anything at all (origin/content type, identity, read-only,
 * operator) and returns the caller. Records a refusal and rethrows otherwise.
 */
async function authorise(request: Request, m: Omit<MutationMeta, 'seen'> & { seen?: unknown }): Promise<Identity> {
  const config = getConfig();
  try {
    assertSameOriginJson(request);
    const identity = identify(request, config);
    assertCanMutate(identity, config);
    return identity;
  } catch (e) {
    const error = toAppError(e);
    const who = bestEffortIdentity(request);
    await recordRefusal({ user: who.user, anonymous: who.anonymous, backend: m.backendId, key: m.key || null, action: m.action, reason: m.reason || null, seen: m.seen ?? null, client: clientAddress(request.headers) }, error);
    throw error;
  }
}

/**
 * Runs one mutation under the guard. `run` is called only once the caller is authorised and the
 * audit record is stored; its AppError (e.g. `lock_changed`) is recorded with the outcome and
 * rethrown unchanged, details included.
 */
export async function guardedMutation<T>(
  request: Request,
  m: MutationMeta,
  run: (ctx: MutationContext) => Promise<T>,
): Promise<T> {
  const identity = await authorise(request, m);
  let backend: BackendConfig;
  try {
    backend = getBackend(m.backendId);
  } catch (e) {
    const error = toAppError(e);
    await recordRefusal({ user: identity.user, anonymous: identity.anonymous, backend: m.backendId, key: m.key, action: m.action, reason: m.reason, seen: m.seen, client: clientAddress(request.headers) }, error);
    throw error;
  }

  // Throws audit_unavailable (503) when the record cannot be stored: nothing has been touched yet.
  const auditId = await beginAudit({ user: identity.user, anonymous: identity.anonymous, backend: backend.id, key: m.key, action: m.action, reason: m.reason, seen: m.seen });
  const details: Record<string, unknown> = {};
  const note = (more: Record<string, unknown>) => Object.assign(details, more);
  try {
    const result = await run({ user: identity.user, backend, auditId, note });
    await completeAudit(auditId, { outcome: 'succeeded', details });
    return result;
  } catch (e) {
    const error = toAppError(e);
    await completeAudit(auditId, { outcome: 'failed', errorCode: error.code, errorMessage: error.message, details: { ...details, ...error.details } });
    throw error;
  } finally {
    invalidateSnapshot(backend.id);
  }
}

/**
 * Reads and validates a mutation's JSON body, after the same checks as `guardedMutation` (origin and
 * content type, identity, read-only, operator), so a refused caller gets 401/403 whatever its body.
 * A malformed body is a 400, recorded as a refusal with whatever key/reason it did carry.
 */
export async function readMutationBody<S extends z.ZodType>(request: Request, schema: S, m: { backendId: string; action: MutationAction }): Promise<z.infer<S>> {
  let raw: unknown = undefined;
  try {
    // Parsed even when the origin will be refused: the record then says what a cross-site page targeted.
    raw = await request.json();
  } catch {
    // Unreadable JSON stays undefined: a 400 once the caller is authorised.
  }
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const meta = {
    backendId: m.backendId,
    action: m.action,
    key: typeof body.key === 'string' ? body.key : '',
    reason: typeof body.reason === 'string' ? body.reason : '',
    seen: raw ?? null,
  };
  const identity = await authorise(request, meta);
  try {
    if (raw === undefined) throw new AppError('bad_request', 'The request body is not valid JSON.');
    return parseInput(schema, raw);
  } catch (e) {
    const error = toAppError(e);
    await recordRefusal({ user: identity.user, anonymous: identity.anonymous, backend: m.backendId, key: meta.key || null, action: m.action, reason: meta.reason || null, seen: meta.seen, client: clientAddress(request.headers) }, error);
    throw error;
  }
}
