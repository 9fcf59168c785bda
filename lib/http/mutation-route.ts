import 'server-only';
/**
 * The one path every mutation takes, as the route's `POST`:
 *
 *   body read once, capped → same-origin JSON → identity → read-only/operator → body too large? →
 *   JSON and nesting depth → schema → backend → [items listed] → operator on EVERY key → audit
 *   record written → run → outcome recorded
 *
 * Two shapes, one authorisation rule: a change is authorised on the state key it changes, never on
 * "some key".
 * - `mutationRoute`: one state (force-unlock, digest repair, restore). The route names its key.
 * - `bulkMutationRoute`: several states (bulk unlock, freeze, unfreeze, migration clean-up, any
 *   future one). The route lists its items, each with its key (a prefix is listed first); the caller
 *   needs operator on each. If any is outside their rules the WHOLE request is refused (403) before
 *   anything is touched, and each refused item gets its own refusal record under its key. An empty
 *   list is refused too. The request gets one record (`key` null, `seen.keys` lists every key); each
 *   item's change runs through `ctx.step` under its own record (its key, its action, `seen.bulkId`),
 *   and only an item the request listed and authorised can be run that way.
 *
 * Origin, identity and the backend are resolved once; the service gets a typed input and a context
 * (`user`, `backend`, `auditId`, `note`) and never sees the `Request`. A refusal at any step is
 * recorded (best effort) with only bounded, known fields (the key and reason as strings, cut to their
 * schema's length; `seen` only once the body validated): never the raw body. If the pending audit
 * record cannot be written the change is refused with 503 `audit_unavailable` and nothing is touched.
 * After the change (succeeded or failed: a failure may be partial) the backend's snapshot is dropped.
 */
import type { z } from 'zod';
import { AppError } from '../api/errors';
import type { AuditAction } from '../api/audit';
import { beginAudit, completeAudit } from '../audit/audit-log';
import { recordRefusal } from '../audit/audit-refusals';
import { clientVia } from './client-via';
import { clientAddress } from '../audit/refusal-throttle';
import { assertAllowed, assertCanMutate, identify, isAllowed, type Identity } from '../auth/identity';
import { assertSameOriginJson } from '../auth/origin';
import { getBackend } from '../server/backends';
import { mapLimit } from '../server/concurrency';
import { getConfig, type AppConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { invalidateSnapshot } from '../services/backend-snapshot';
import { handle, parseInput } from './handle';
import { knownFields, MUTATION_BODY_LIMIT, parseBody, readCappedBody } from './mutation-body';

export { MAX_JSON_DEPTH, MUTATION_BODY_LIMIT, jsonDepth, readCappedBody, type CappedBody } from './mutation-body';

/** Keys named in a 403 of a multi-item request (the refusal records have every one). */
const MAX_KEYS_IN_REFUSAL = 50;

export interface MutationContext {
  user: string;
  /** The caller. */
  identity: Identity;
  backend: BackendConfig;
  auditId: string;
  /** The tool the caller named (`X-Lockboard-Client`), for nested audited steps. */
  via: string | null;
  /** Adds facts to the audit record's `details` (what was freshly read, what was written). */
  note: (details: Record<string, unknown>) => void;
}

/** What the audit record of a one-state change is about (from the validated input). */
export interface AuditSubject {
  /** The state key changed: authorised (operator) and recorded under; never empty. */
  key: string;
  reason: string;
  /** What the operator saw (the lock, the digest, the version…). */
  seen: unknown;
}

interface RouteBase<S extends z.ZodType> {
  /** The route pattern, for metrics (e.g. `/api/backends/[id]/unlock`). */
  route: string;
  action: AuditAction;
  schema: S;
  /** Body cap in bytes (default {@link MUTATION_BODY_LIMIT}). */
  maxBodyBytes?: number;
  /** Where the change is made and recorded (default: the backend the path names; discovery's decisions: its record home). */
  backendOf?: (id: string) => BackendConfig;
}

export interface MutationRouteSpec<S extends z.ZodType, T> extends RouteBase<S> {
  audit: (input: z.infer<S>) => AuditSubject;
  run: (input: z.infer<S>, ctx: MutationContext) => Promise<T>;
}

/** One item of a multi-item request, as it is authorised and recorded. */
export interface ItemSubject {
  /** The state key the item changes: the caller needs operator on it; its record carries it. */
  key: string;
  /** The action of the item's own record (a `.tflock` released by a clean-up is a `force-unlock`). */
  action: AuditAction;
  /** What the operator saw of this item (its record adds `bulkId`). */
  seen: Record<string, unknown>;
}

export interface BulkContext<I> extends MutationContext {
  /**
   * Runs one item's change under its own audit record (its key and action; `seen.bulkId` is the
   * request's record). Only an item this request listed (and so authorised) runs; anything else
   * throws before a record is written.
   */
  step: <R>(item: I, change: (ctx: MutationContext) => Promise<R>) => Promise<R>;
}

export interface BulkMutationRouteSpec<S extends z.ZodType, I, T> extends RouteBase<S> {
  /** The request's reason and what it saw as a whole. Its record names no single key: `seen.keys` lists them. */
  audit: (input: z.infer<S>) => { reason: string; seen: Record<string, unknown> };
  /** Every item the request would change (may read: a prefix lists its states). */
  items: (input: z.infer<S>, backend: BackendConfig) => readonly I[] | Promise<readonly I[]>;
  subject: (item: I) => ItemSubject;
  run: (input: z.infer<S>, items: readonly I[], ctx: BulkContext<I>) => Promise<T>;
}

type RouteContext = { params: Promise<{ id: string }> };

/** The caller as far as it can be told, for a refusal record (never throws). */
function bestEffortIdentity(request: Request): Identity {
  try {
    return identify(request, getConfig());
  } catch {
    return { user: '(unidentified)', anonymous: true };
  }
}

/** A request that passed the checks every mutation shares: origin, identity, operator somewhere, body, schema, backend. */
interface Admitted<S extends z.ZodType> {
  input: z.infer<S>;
  identity: Identity;
  config: AppConfig;
  backend: BackendConfig;
}

/** What a refusal record says (filled in as the request is understood). */
interface RefusalFacts {
  who: Identity | null;
  key: string | null;
  reason: string | null;
  seen: unknown;
}

/**
 * Runs `decide` with a request read and checked as far as every mutation needs; whatever it throws
 * is recorded as a refusal (with the facts known by then) and answered as its error.
 */
function guardedRoute<S extends z.ZodType>(spec: RouteBase<S>, decide: (admitted: Admitted<S>, facts: RefusalFacts, request: Request) => Promise<unknown>) {
  const limit = spec.maxBodyBytes ?? MUTATION_BODY_LIMIT;
  return async (request: Request, context: RouteContext): Promise<Response> => {
    const { id: backendId } = await context.params;
    return handle(spec.route, request, async () => {
      // Read (bounded) before the checks, so a refusal still says which key a cross-site page targeted.
      const parsed = parseBody(await readCappedBody(request, limit), limit);
      const facts: RefusalFacts = { who: null, ...knownFields(parsed), seen: null };
      let admitted: Admitted<S>;
      try {
        const config = getConfig();
        assertSameOriginJson(request, config.publicUrl);
        const identity = identify(request, config);
        assertCanMutate(identity, config);
        facts.who = identity;
        if (!parsed.ok) throw parsed.error;
        const input = parseInput(spec.schema, parsed.value);
        admitted = { input, identity, config, backend: (spec.backendOf ?? getBackend)(backendId) };
      } catch (e) {
        const error = toAppError(e, 'mutation refused unexpectedly', { route: spec.route, backend: backendId });
        const caller = facts.who ?? bestEffortIdentity(request);
        await recordRefusal({ user: caller.user, anonymous: caller.anonymous, backend: backendId, key: facts.key, action: spec.action, reason: facts.reason, seen: facts.seen, via: clientVia(request.headers), client: clientAddress(request.headers) }, error);
        throw error;
      }
      return decide(admitted, facts, request);
    });
  };
}

/** Records `e` as a refusal of `action` on `key` (best effort) and rethrows it as an AppError. */
async function refused(e: unknown, request: Request, a: { identity: Identity; backendId: string; action: AuditAction; key: string | null; reason: string | null; seen: unknown }): Promise<never> {
  const error = toAppError(e, 'mutation refused unexpectedly', { action: a.action, backend: a.backendId });
  await recordRefusal({ user: a.identity.user, anonymous: a.identity.anonymous, backend: a.backendId, key: a.key, action: a.action, reason: a.reason, seen: a.seen, via: clientVia(request.headers), client: clientAddress(request.headers) }, error);
  throw error;
}

/** Builds the `POST` handler of a mutation of one state. */
export function mutationRoute<S extends z.ZodType, T>(spec: MutationRouteSpec<S, T>): (request: Request, context: RouteContext) => Promise<Response> {
  return guardedRoute(spec, async ({ input, identity, config, backend }, facts, request) => {
    const subject = spec.audit(input);
    const attempt = { identity, backendId: backend.id, action: spec.action, key: subject.key, reason: subject.reason, seen: subject.seen };
    try {
      if (typeof subject.key !== 'string' || subject.key === '') throw new AppError('internal', `Route ${spec.route} named no state key to authorise.`);
      // Scoped: operator on this backend and this key, per the access rules.
      assertAllowed(identity, 'operator', backend.id, subject.key, config);
    } catch (e) {
      return refused(e, request, { ...attempt, key: subject.key || facts.key });
    }
    return audited({ identity, backend, action: spec.action, key: subject.key, reason: subject.reason, seen: subject.seen, via: clientVia(request.headers) }, (ctx) => spec.run(input, ctx));
  });
}

function notAllowedError(identity: Identity, backendId: string, keys: string[], total: number): AppError {
  const named = keys.slice(0, 5).map((k) => `"${k}"`).join(', ');
  const more = keys.length > 5 ? ` and ${keys.length - 5} more` : '';
  const of = total === 1 ? 'the state' : `${keys.length} of the ${total} states`;
  return new AppError(
    'forbidden',
    `User "${identity.user}" may not change ${of} this request names in backend "${backendId}": ${named}${more}. That needs the operator role on each key (see accessRules); nothing was changed.`,
    { reason: 'not_allowed', role: 'operator', backend: backendId, key: keys[0]!, keys: keys.slice(0, MAX_KEYS_IN_REFUSAL) },
  );
}

/** Builds the `POST` handler of a mutation of several states, each authorised on its own key. */
export function bulkMutationRoute<S extends z.ZodType, I, T>(spec: BulkMutationRouteSpec<S, I, T>): (request: Request, context: RouteContext) => Promise<Response> {
  return guardedRoute(spec, async ({ input, identity, config, backend }, facts, request) => {
    const whole = spec.audit(input);
    const base = { identity, backendId: backend.id, reason: whole.reason };
    let items: readonly I[];
    let subjects: Map<I, ItemSubject>;
    try {
      items = await spec.items(input, backend);
      subjects = new Map(items.map((item) => [item, spec.subject(item)]));
      if (items.length === 0) throw new AppError('bad_request', 'The request names no state to change.');
      const empty = [...subjects.values()].find((s) => typeof s.key !== 'string' || s.key === '');
      if (empty) throw new AppError('internal', `Route ${spec.route} listed an item without a state key.`);
    } catch (e) {
      return refused(e, request, { ...base, action: spec.action, key: facts.key, seen: whole.seen });
    }
    // Every key on its own: one outside the caller's rules refuses the whole request, nothing touched.
    const outside = [...subjects.values()].filter((s) => !isAllowed(identity, 'operator', backend.id, s.key, config));
    if (outside.length > 0) {
      const error = notAllowedError(identity, backend.id, outside.map((s) => s.key), subjects.size);
      await mapLimit(outside, 8, (s) => recordRefusal({ user: identity.user, anonymous: identity.anonymous, backend: backend.id, key: s.key, action: s.action, reason: whole.reason, seen: { ...s.seen, request: spec.action }, via: clientVia(request.headers), client: clientAddress(request.headers) }, error));
      throw error;
    }
    const keys = [...new Set([...subjects.values()].map((s) => s.key))];
    const via = clientVia(request.headers);
    return audited({ identity, backend, action: spec.action, key: null, reason: whole.reason, seen: { ...whole.seen, keys }, via }, (ctx) => {
      const step = <R>(item: I, change: (c: MutationContext) => Promise<R>): Promise<R> => {
        const subject = subjects.get(item);
        if (!subject) return Promise.reject(new AppError('internal', `Route ${spec.route} ran an item it had not listed.`));
        return audited({ identity, backend, action: subject.action, key: subject.key, reason: whole.reason, seen: { ...subject.seen, bulkId: ctx.auditId }, via }, change);
      };
      return spec.run(input, items, { ...ctx, step });
    });
  });
}

/** One authorised attempt to record: who, where, what, and what they saw. */
export interface AuditedAttempt {
  identity: Identity;
  backend: BackendConfig;
  action: AuditAction;
  /** The state key changed; null only for the record of a multi-item request (its items have their own). */
  key: string | null;
  reason: string | null;
  seen: unknown;
  /** The tool the caller named (`X-Lockboard-Client`: `cli/…`, `mcp/<agent>`), or null. */
  via?: string | null;
}

/**
 * Runs one change under its own audit record: written as pending first (503 `audit_unavailable` and
 * nothing touched if that fails), completed with the outcome after; the backend's snapshot is dropped
 * either way (a failure may be partial). Used by both route shapes, and for each item of a multi-item one.
 */
export async function audited<T>(attempt: AuditedAttempt, run: (ctx: MutationContext) => Promise<T>): Promise<T> {
  const { identity, backend } = attempt;
  const via = attempt.via ?? null;
  const auditId = await beginAudit({ user: identity.user, anonymous: identity.anonymous, backend: backend.id, key: attempt.key, action: attempt.action, reason: attempt.reason, seen: attempt.seen, via });
  const details: Record<string, unknown> = {};
  const note = (more: Record<string, unknown>) => Object.assign(details, more);
  try {
    const result = await run({ user: identity.user, identity, backend, auditId, via, note });
    await completeAudit(auditId, { outcome: 'succeeded', details });
    return result;
  } catch (e) {
    const error = toAppError(e, 'mutation failed unexpectedly', { action: attempt.action, backend: backend.id, key: attempt.key });
    await completeAudit(auditId, { outcome: 'failed', errorCode: error.code, errorMessage: error.message, details: { ...details, ...error.details } });
    throw error;
  } finally {
    invalidateSnapshot(backend.id);
  }
}
