import 'server-only';
/**
 * The one path every mutation (force-unlock, digest repair, restore) takes, as the route's `POST`:
 *
 *   body read once, capped → same-origin JSON → identity → read-only/operator → body too large? →
 *   JSON and nesting depth → schema → backend → audit record written → run → outcome recorded
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
import { beginAudit, completeAudit, recordRefusal } from '../audit/audit-log';
import { clientAddress } from '../audit/refusal-throttle';
import { assertAllowed, assertCanMutate, identify, type Identity } from '../auth/identity';
import { assertSameOriginJson } from '../auth/origin';
import { getBackend } from '../server/backends';
import { getConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { clientVia } from './client-via';
import { invalidateSnapshot } from '../services/backend-snapshot';
import { handle, parseInput } from './handle';

/** Default body cap of a mutation: its real bodies are a few hundred bytes (an unlock's `seen` a few KB). */
export const MUTATION_BODY_LIMIT = 16 * 1024;
/** Deepest JSON nesting a mutation body may have (its schemas need 3). */
export const MAX_JSON_DEPTH = 16;
/** Longest key / reason stored from a body that did not validate. */
const MAX_REFUSED_KEY = 1024;
const MAX_REFUSED_REASON = 2000;

export interface MutationContext {
  user: string;
  /** The caller (for nested audited steps, e.g. each lock of a bulk unlock). */
  identity: Identity;
  backend: BackendConfig;
  auditId: string;
  /** The tool the caller named (`X-Lockboard-Client`), for nested audited steps. */
  via: string | null;
  /** Adds facts to the audit record's `details` (what was freshly read, what was written). */
  note: (details: Record<string, unknown>) => void;
}

/** What the audit record says the attempt was about (from the validated input). */
export interface AuditSubject {
  key: string;
  reason: string;
  /** What the operator saw (the lock, the digest, the version…). */
  seen: unknown;
}

export interface MutationRouteSpec<S extends z.ZodType, T> {
  /** The route pattern, for metrics (e.g. `/api/backends/[id]/unlock`). */
  route: string;
  action: AuditAction;
  schema: S;
  /** Body cap in bytes (default {@link MUTATION_BODY_LIMIT}). */
  maxBodyBytes?: number;
  audit: (input: z.infer<S>) => AuditSubject;
  run: (input: z.infer<S>, ctx: MutationContext) => Promise<T>;
}

type RouteContext = { params: Promise<{ id: string }> };

/** A body read up to a cap: the text, or the fact that it was larger (never read further). */
export type CappedBody = { text: string; tooLarge: false } | { text: null; tooLarge: true };

/**
 * Reads at most `limit` bytes of a request body, counting while streaming: a declared or actual
 * larger body stops the read (the rest is never buffered) and is reported as too large.
 */
export async function readCappedBody(request: Request, limit: number): Promise<CappedBody> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => undefined);
    return { text: null, tooLarge: true };
  }
  if (!request.body) return { text: '', tooLarge: false };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { text: null, tooLarge: true };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(bytes), tooLarge: false };
}

/** Nesting depth of a parsed JSON value (iterative: a hostile depth cannot overflow the stack). */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) max = depth;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return max;
}

/** A parsed body, or why it is refused (with the value when it did parse, for the refusal record). */
type ParsedBody = { ok: true; value: unknown } | { ok: false; error: AppError; value?: unknown };

function parseBody(body: CappedBody, limit: number): ParsedBody {
  if (body.tooLarge) return { ok: false, error: new AppError('payload_too_large', `The request body is larger than ${limit} bytes.`, { limitBytes: limit }) };
  let value: unknown;
  try {
    value = JSON.parse(body.text);
  } catch {
    return { ok: false, error: new AppError('bad_request', 'The request body is not valid JSON.') };
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) return { ok: false, value, error: new AppError('bad_request', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`) };
  return { ok: true, value };
}

/** The key and reason a body names, as bounded strings (for a refusal record), whatever else it holds. */
function knownFields(parsed: ParsedBody): { key: string | null; reason: string | null } {
  const value = parsed.value;
  const body = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const cut = (v: unknown, max: number) => (typeof v === 'string' && v !== '' ? v.slice(0, max) : null);
  return { key: cut(body.key, MAX_REFUSED_KEY), reason: cut(body.reason, MAX_REFUSED_REASON) };
}

/** The caller as far as it can be told, for a refusal record (never throws). */
function bestEffortIdentity(request: Request): Identity {
  try {
    return identify(request, getConfig());
  } catch {
    return { user: '(unidentified)', anonymous: true };
  }
}

/** Builds the `POST` handler of one mutation route. */
export function mutationRoute<S extends z.ZodType, T>(spec: MutationRouteSpec<S, T>): (request: Request, context: RouteContext) => Promise<Response> {
  const limit = spec.maxBodyBytes ?? MUTATION_BODY_LIMIT;
  return async (request, context) => {
    const { id: backendId } = await context.params;
    return handle(spec.route, request, async () => {
      // Read (bounded) before the checks, so a refusal still says which key a cross-site page targeted.
      const parsed = parseBody(await readCappedBody(request, limit), limit);
      const fields = knownFields(parsed);
      let who: Identity | null = null;
      let seen: unknown = null;
      const via = clientVia(request.headers);
      const refuse = async (e: unknown): Promise<never> => {
        const error = toAppError(e, 'mutation refused unexpectedly', { route: spec.route, backend: backendId });
        const caller = who ?? bestEffortIdentity(request);
        await recordRefusal({ user: caller.user, anonymous: caller.anonymous, backend: backendId, key: fields.key, action: spec.action, reason: fields.reason, seen, via, client: clientAddress(request.headers) }, error);
        throw error;
      };

      let input: z.infer<S>;
      let backend: BackendConfig;
      try {
        const config = getConfig();
        assertSameOriginJson(request, config.publicUrl);
        const identity = identify(request, config);
        assertCanMutate(identity, config);
        who = identity;
        if (!parsed.ok) throw parsed.error;
        input = parseInput(spec.schema, parsed.value);
        const subject = spec.audit(input);
        fields.key = subject.key;
        fields.reason = subject.reason;
        seen = subject.seen;
        // Scoped: operator on this backend and key, per the access rules.
        assertAllowed(identity, 'operator', backendId, subject.key || null, config);
        backend = getBackend(backendId);
      } catch (e) {
        return refuse(e);
      }
      return audited({ identity: who, backend, action: spec.action, key: fields.key, reason: fields.reason, seen, via }, (ctx) => spec.run(input, ctx));
    });
  };
}

/** One authorised attempt to record: who, where, what, and what they saw. */
export interface AuditedAttempt {
  identity: Identity;
  backend: BackendConfig;
  action: AuditAction;
  key: string | null;
  reason: string | null;
  seen: unknown;
  /** The tool the caller named (`X-Lockboard-Client`: `cli/…`, `mcp/<agent>`), or null. */
  via?: string | null;
}

/**
 * Runs one change under its own audit record: written as pending first (503 `audit_unavailable` and
 * nothing touched if that fails), completed with the outcome after; the backend's snapshot is dropped
 * either way (a failure may be partial). Used by every mutation route, and for each step of a bulk one.
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
