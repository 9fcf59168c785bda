import 'server-only';
/**
 * Writing and reading the audit log. A record is written to S3 before the change is made (if that
 * fails, the change is refused) and overwritten with the outcome afterwards; every record also goes
 * to the server log as one JSON line, so a log pipeline has it even if S3 is later unreadable.
 */
import crypto from 'node:crypto';
import { getAuditObject, listAuditKeys, putAuditObject, putAuditObjectIfMatch } from '../aws/audit-store';
import { getBackend } from '../server/backends';
import { cachedRead } from '../server/cache';
import { mapLimit } from '../server/concurrency';
import { getConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { logger } from '../server/logger';
import { AppError, type ErrorJson } from '../api/errors';
import type { AuditListing } from '../api/audit';
import { formatUtcTime } from '../terraform/time-text';
import { ATTEMPT_BOUNDS, boundRecord, REFUSAL_BOUNDS, type AuditBounds } from './audit-bounds';
import {
  auditFolder,
  auditKeyMayMatch,
  auditObjectKey,
  matchesAuditFilter,
  parseAuditRecord,
  tagOfAuditKey,
  timeOfAuditKey,
  type AuditAction,
  type AuditFilter,
  type AuditKind,
  type AuditOutcome,
  type AuditRecord,
} from './audit-record';
import { DEFAULT_REFUSAL_LIMITS, RefusalThrottle, refusalCaller, type RefusalLimits, type RefusalSummary } from './refusal-throttle';

export type { AuditAction, AuditOutcome, AuditRecord } from './audit-record';

/** What the caller knows when an attempt starts. */
export interface AuditInput {
  user: string;
  anonymous: boolean;
  /** Backend id (must be configured: the record is stored with that backend's bucket/credentials). */
  backend: string;
  key: string | null;
  action: AuditAction;
  reason: string | null;
  seen: unknown;
  /** The client address the request claims (X-Forwarded-For); rate-limits anonymous refusals. */
  client?: string | null;
}

export interface AuditCompletion {
  outcome: Exclude<AuditOutcome, 'pending' | 'refused'>;
  errorCode?: string | null;
  errorMessage?: string | null;
  details?: Record<string, unknown> | null;
}

interface Located {
  record: AuditRecord;
  backend: BackendConfig;
  bucket: string;
  objectKey: string;
  bounds: AuditBounds;
}

/** Begun and not yet completed, by record id (the same process completes what it began). */
const pending = new Map<string, Located>();

type AuditListener = (record: AuditRecord) => void;
// On globalThis: Next.js may bundle this module more than once; alerting listens from its own bundle.
const listenersKey = Symbol.for('lockboard.auditListeners');

function auditListeners(): Set<AuditListener> {
  const holder = globalThis as unknown as Record<symbol, Set<AuditListener> | undefined>;
  holder[listenersKey] ??= new Set();
  return holder[listenersKey];
}

/** Called with every completed or refused attempt's record (alerting turns each into one event). Returns an unsubscribe function. */
export function onAuditCompleted(listener: AuditListener): () => void {
  auditListeners().add(listener);
  return () => auditListeners().delete(listener);
}

function notifyListeners(record: AuditRecord): void {
  for (const listener of auditListeners()) {
    try {
      listener(record);
    } catch (e) {
      logger.error('audit listener failed', { error: e });
    }
  }
}

/** The server log's copy of each audit step (bounded like every log line: long values are cut). */
function logLine(phase: 'begin' | 'complete' | 'refused', record: AuditRecord, extra: { stored: boolean; storeError?: string }): void {
  logger.info('audit', { phase, ...extra, record });
}

/** The input as stored (the client address only goes into a refusal's details). */
function withoutClient(input: AuditInput): Omit<AuditInput, 'client'> {
  const copy = { ...input };
  delete copy.client;
  return copy;
}

function locate(full: AuditInput, nowMs: number, kind: AuditKind): Located {
  const config = getConfig();
  const backend = getBackend(full.backend);
  const input = withoutClient(full);
  const id = crypto.randomUUID();
  const record: AuditRecord = {
    ...input,
    id,
    time: new Date(nowMs).toISOString(),
    completedAt: null,
    outcome: 'pending',
    errorCode: null,
    errorMessage: null,
    details: null,
  };
  return {
    record,
    backend,
    bucket: config.auditBucket ?? backend.bucket,
    objectKey: auditObjectKey(config.auditPrefix, backend.id, nowMs, id, { action: input.action, kind }),
    bounds: kind === 'refused' ? REFUSAL_BOUNDS : ATTEMPT_BOUNDS,
  };
}

async function write(located: Located): Promise<void> {
  located.record = boundRecord(located.record, located.bounds);
  await putAuditObject(located.backend, located.bucket, located.objectKey, JSON.stringify(located.record));
}

/**
 * Writes the record of an attempt before anything changes. Throws `audit_unavailable` (503) when it
 * cannot be stored: the caller must then not make the change. Returns the record id.
 */
export async function beginAudit(input: AuditInput): Promise<string> {
  const located = locate(input, Date.now(), 'attempt');
  try {
    await write(located);
  } catch (e) {
    const cause = toAppError(e, 'audit write failed', { phase: 'begin', id: located.record.id }).message;
    logLine('begin', located.record, { stored: false, storeError: cause });
    throw new AppError('audit_unavailable', `The audit record could not be written, so nothing was changed: ${cause}`, { backend: input.backend, auditBucket: located.bucket });
  }
  pending.set(located.record.id, located);
  logLine('begin', located.record, { stored: true });
  return located.record.id;
}

/**
 * Records the outcome of a begun attempt (overwrites its object). Never throws: the change has
 * already happened or failed; if the write fails (retried once) the log line says so, and the stored
 * record stays `pending`, which honestly says "outcome unknown".
 */
export async function completeAudit(id: string, completion: AuditCompletion): Promise<void> {
  const located = pending.get(id);
  if (!located) {
    logger.error('audit completion for an unknown record id', { phase: 'complete', id, ...completion });
    return;
  }
  pending.delete(id);
  located.record = {
    ...located.record,
    completedAt: new Date().toISOString(),
    outcome: completion.outcome,
    errorCode: completion.errorCode ?? null,
    errorMessage: completion.errorMessage ?? null,
    details: completion.details ?? null,
  };
  let storeError: string | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await write(located);
      storeError = null;
      break;
    } catch (e) {
      storeError = toAppError(e, 'audit write failed', { phase: 'complete', id }).message;
    }
  }
  logLine('complete', located.record, storeError === null ? { stored: true } : { stored: false, storeError });
  notifyListeners(located.record);
}

let throttle = new RefusalThrottle();
let summaryTimer: ReturnType<typeof setInterval> | null = null;

/** Test hook: fresh rate-limit state, optionally with other limits. */
export function resetRefusalThrottleForTests(limits: RefusalLimits = DEFAULT_REFUSAL_LIMITS): void {
  throttle = new RefusalThrottle(limits);
}

async function writeSummary(summary: RefusalSummary): Promise<void> {
  const input: AuditInput = { user: summary.caller, anonymous: summary.caller === '*' || summary.caller.startsWith('anonymous'), backend: summary.backend, key: summary.key, action: summary.action, reason: null, seen: null };
  const from = new Date(summary.windowStartMs).toISOString();
  const to = new Date(summary.windowEndMs).toISOString();
  const message = `${summary.suppressed} more refusals of ${summary.action} by ${summary.caller} between ${formatUtcTime(from)} and ${formatUtcTime(to)} (not stored one by one)`;
  const details = { suppressed: summary.suppressed, windowStart: from, windowEnd: to, lastKey: summary.key };
  await storeRefusal(input, 'refusals_summarised', message, details);
}

/** Writes the summaries of every ended window (called on each refusal and once a minute). */
export async function flushRefusalSummaries(nowMs = Date.now(), all = false): Promise<number> {
  const summaries = throttle.flush(nowMs, all);
  await Promise.all(summaries.map(writeSummary));
  return summaries.length;
}

function ensureSummaryTimer(): void {
  if (summaryTimer) return;
  summaryTimer = setInterval(() => void flushRefusalSummaries().catch(() => undefined), DEFAULT_REFUSAL_LIMITS.windowMs);
  summaryTimer.unref?.();
}

async function storeRefusal(input: AuditInput, code: string, message: string, details: Record<string, unknown> | null): Promise<void> {
  let located: Located;
  try {
    located = locate(input, Date.now(), 'refused');
  } catch {
    // Unknown backend: there is no bucket to store it in; the log line is the record.
    const rest = withoutClient(input);
    const now = new Date().toISOString();
    const record = boundRecord({ ...rest, id: crypto.randomUUID(), time: now, completedAt: now, outcome: 'refused', errorCode: code, errorMessage: message, details }, REFUSAL_BOUNDS);
    logLine('refused', record, { stored: false, storeError: 'unknown backend' });
    return;
  }
  located.record = { ...located.record, completedAt: located.record.time, outcome: 'refused', errorCode: code, errorMessage: message, details };
  try {
    await write(located);
    logLine('refused', located.record, { stored: true });
  } catch (e) {
    logLine('refused', located.record, { stored: false, storeError: toAppError(e, 'audit write failed', { phase: 'refused', id: located.record.id }).message });
  }
  notifyListeners(located.record);
}

/**
 * Records a refused attempt (auth, read-only, origin, validation, unknown backend), best effort: a
 * refusal changes nothing, so a failure to store it is logged, never raised. Bounded: the record's
 * fields are truncated (audit-bounds), and a caller refused over and over is rate-limited per replica
 * (refusal-throttle): past its quota only a per-minute summary record is stored.
 */
export async function recordRefusal(input: AuditInput, error: AppError): Promise<void> {
  ensureSummaryTimer();
  const { store, summaries } = throttle.admit(refusalCaller(input), input.action, input.backend, input.key, Date.now());
  await Promise.all(summaries.map(writeSummary));
  if (!store) return;
  await storeRefusal(input, error.code, error.message, input.client ? { client: input.client } : null);
}

export interface AuditQuery extends AuditFilter {
  /** Only this backend (default: all configured). */
  backend?: string;
  limit: number;
  /** Where the previous page ended (its `next`); absent: from the newest record. */
  cursor?: string;
}

const PAGE = 200;
/** Key-only filtering lists up to this many keys per S3 call. */
const SKIP_PAGE = 1000;
/** How many records per backend are downloaded at most to fill one filtered page. */
const MAX_EXAMINED = 2000;
/** How many keys per backend are listed at most for one page (most skipped by their key alone). */
const MAX_LISTED = 20_000;
const RECORD_TTL_MS = 10 * 60_000;

async function readRecord(backend: BackendConfig, bucket: string, ref: { key: string; etag: string }): Promise<AuditRecord | null> {
  // An object's body is fixed for a given ETag (a completion rewrites it with a new ETag).
  return cachedRead('audit-record', `${bucket}\u0000${ref.key}\u0000${ref.etag}`, RECORD_TTL_MS, async () => {
    const text = await getAuditObject(backend, bucket, ref.key);
    return text === null ? null : parseAuditRecord(text);
  });
}

/** Per backend: the key after which its next page starts, or 0 when it has nothing more. */
type Positions = Record<string, string | 0>;

function encodeCursor(positions: Positions): string {
  return Buffer.from(JSON.stringify({ v: 1, p: positions }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): Positions {
  if (!cursor) return {};
  try {
    const doc = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; p?: unknown };
    if (doc.v === 1 && typeof doc.p === 'object' && doc.p !== null && !Array.isArray(doc.p)) {
      const p = doc.p as Record<string, unknown>;
      if (Object.values(p).every((x) => x === 0 || (typeof x === 'string' && x.length <= 2048))) return p as Positions;
    }
  } catch {
    // Falls through to the 400.
  }
  throw new AppError('bad_request', 'Invalid request: cursor: not a cursor returned by /api/audit.', { problems: ['cursor: not a cursor returned by /api/audit'] });
}

interface Found {
  record: AuditRecord;
  objectKey: string;
  backend: string;
}

interface BackendPage {
  found: Found[];
  /** The last key listed (examined or skipped), or the start position when none. */
  last: string | undefined;
  exhausted: boolean;
  truncated: boolean;
}

/**
 * Newest-first matching records of one backend after `startAfter`, reading pages until `limit` match
 * or the caps. Keys that cannot match the filter (action, refused vs attempt) are skipped unread.
 */
async function backendRecords(backend: BackendConfig, query: AuditQuery, startAfter: string | undefined): Promise<BackendPage> {
  const config = getConfig();
  const bucket = config.auditBucket ?? backend.bucket;
  const folder = auditFolder(config.auditPrefix, backend.id);
  const found: Found[] = [];
  const keyFiltered = query.action !== undefined || query.outcome !== undefined || query.id !== undefined;
  let last = startAfter;
  let examined = 0;
  let listed = 0;
  for (;;) {
    const { refs, more } = await listAuditKeys(backend, bucket, folder, keyFiltered ? SKIP_PAGE : Math.min(PAGE, Math.max(query.limit, 20)), last);
    const wanted = refs.filter((ref) => auditKeyMayMatch(ref.key, query));
    const nowMs = Date.now();
    const read = await mapLimit(wanted, 8, async (ref) => {
      const record = await readRecord(backend, bucket, ref);
      return record && record.outcome === 'pending' ? completeIfInterrupted(backend, bucket, ref, record, nowMs, 'read') : record;
    });
    read.forEach((record, i) => {
      if (record && record.backend === backend.id && matchesAuditFilter(record, query)) found.push({ record, objectKey: wanted[i]!.key, backend: backend.id });
    });
    examined += wanted.length;
    listed += refs.length;
    last = refs.at(-1)?.key ?? last;
    // Ids are unique: once found, nothing further can match.
    if (!more || refs.length === 0 || (query.id !== undefined && found.length > 0)) return { found, last, exhausted: true, truncated: false };
    if (found.length >= query.limit) return { found, last, exhausted: false, truncated: false };
    if (examined >= MAX_EXAMINED || listed >= MAX_LISTED) return { found, last, exhausted: false, truncated: true };
  }
}

/** Newest first (time, then key: within a backend exactly S3's listing order). */
function compareFound(a: Found, b: Found): number {
  return Date.parse(b.record.time) - Date.parse(a.record.time) || a.backend.localeCompare(b.backend) || (a.objectKey < b.objectKey ? -1 : a.objectKey > b.objectKey ? 1 : 0);
}

/** Audit records newest first, filtered, across the configured backends (or one), one page. */
/** `canView`: without `query.backend`, only the backends it accepts (the caller's view role) are read. */
export async function listAudit(query: AuditQuery, canView: (backendId: string) => boolean = () => true): Promise<AuditListing> {
  const config = getConfig();
  const positions = decodeCursor(query.cursor);
  const selected = query.backend ? [getBackend(query.backend)] : config.backends.filter((b) => canView(b.id));
  const backends = selected.filter((b) => positions[b.id] !== 0);
  const results = await Promise.allSettled(backends.map((b) => backendRecords(b, query, (positions[b.id] as string | undefined) || undefined)));
  const all: Found[] = [];
  const errors: ErrorJson[] = [];
  const pages = new Map<string, BackendPage>();
  let truncated = false;
  results.forEach((result, i) => {
    const id = backends[i]!.id;
    if (result.status === 'fulfilled') {
      all.push(...result.value.found);
      pages.set(id, result.value);
      truncated ||= result.value.truncated;
    } else {
      const e = toAppError(result.reason, 'audit read failed', { backend: id });
      errors.push({ ...e.toJson(), backend: id });
    }
  });
  const page = all.sort(compareFound).slice(0, query.limit);
  const next: Positions = { ...positions };
  for (const b of selected) {
    const p = pages.get(b.id);
    if (!p) continue; // done before, or failed: the next page retries from the same position
    const included = page.filter((f) => f.backend === b.id);
    if (included.length === p.found.length) next[b.id] = p.exhausted ? 0 : (p.last ?? 0);
    else next[b.id] = included.at(-1)?.objectKey ?? positions[b.id] ?? '';
  }
  const done = selected.every((b) => next[b.id] === 0);
  return { records: page.map((f) => f.record), errors, truncated, next: done ? null : encodeCursor(next) };
}

/**
 * How long a mutation can run at most: about 20 sequential AWS calls (a restore's reads, writes, lock
 * and digest steps), each up to 3 attempts of the backend's `awsTimeoutSeconds` (10 s by default: 10 min).
 */
export function mutationDeadlineMs(backend: BackendConfig): number {
  return 20 * 3 * backend.awsTimeoutSeconds * 1000;
}

/** A `pending` record older than this (twice the mutation deadline: 20 min by default) was interrupted. */
export function interruptedAfterMs(backend: BackendConfig): number {
  return 2 * mutationDeadlineMs(backend);
}

/**
 * Completes a stale `pending` record as `interrupted` (what is known stays: who, what, what was
 * seen, the details noted so far), with a conditional write on the ETag read, so that when two
 * replicas (or a sweep and a listing) find it at once only one completes it. Returns the record as
 * it now is; never throws (a failure leaves it pending, to be retried on the next read).
 */
async function completeIfInterrupted(backend: BackendConfig, bucket: string, ref: { key: string; etag: string }, record: AuditRecord, nowMs: number, by: 'start-up sweep' | 'read'): Promise<AuditRecord> {
  if (record.outcome !== 'pending' || pending.has(record.id)) return record;
  const limit = interruptedAfterMs(backend);
  if (!(nowMs - Date.parse(record.time) > limit)) return record;
  const done = boundRecord(
    {
      ...record,
      completedAt: new Date(nowMs).toISOString(),
      outcome: 'interrupted',
      errorCode: 'interrupted',
      errorMessage: `No outcome was recorded within ${Math.round(limit / 60_000)} minutes of the start (the server stopped or lost the request): what was changed is unknown; check the state and its lock.`,
      details: { ...record.details, pendingSince: record.time, interruptedAfterSeconds: limit / 1000, completedBy: by },
    },
    ATTEMPT_BOUNDS,
  );
  try {
    if (await putAuditObjectIfMatch(backend, bucket, ref.key, JSON.stringify(done), ref.etag)) {
      logLine('complete', done, { stored: true });
      return done;
    }
    // Completed (or rewritten) by someone else meanwhile: show what is stored now.
    const text = await getAuditObject(backend, bucket, ref.key);
    return (text === null ? null : parseAuditRecord(text)) ?? record;
  } catch (e) {
    logLine('complete', done, { stored: false, storeError: toAppError(e, 'audit write failed', { phase: 'interrupted', id: record.id }).message });
    return record;
  }
}

/**
 * Completes, on each backend, the `pending` records older than `interruptedAfterMs` as `interrupted`,
 * examining at most `maxKeys` keys per backend (newest first; refusals are skipped by their key).
 * Older ones beyond that are completed when a listing reads them. Returns how many were completed.
 */
export async function sweepInterrupted(nowMs = Date.now(), maxKeys = 5000): Promise<number> {
  const config = getConfig();
  let completed = 0;
  for (const backend of config.backends) {
    const bucket = config.auditBucket ?? backend.bucket;
    const folder = auditFolder(config.auditPrefix, backend.id);
    const limit = interruptedAfterMs(backend);
    let after: string | undefined;
    let listed = 0;
    try {
      while (listed < maxKeys) {
        const { refs, more } = await listAuditKeys(backend, bucket, folder, Math.min(1000, maxKeys - listed), after);
        listed += refs.length;
        after = refs.at(-1)?.key;
        const candidates = refs.filter((r) => tagOfAuditKey(r.key)?.kind !== 'refused' && nowMs - (timeOfAuditKey(r.key) ?? nowMs) > limit);
        const results = await mapLimit(candidates, 4, async (ref) => {
          const text = await getAuditObject(backend, bucket, ref.key);
          const record = text === null ? null : parseAuditRecord(text);
          if (!record || record.outcome !== 'pending') return false;
          return (await completeIfInterrupted(backend, bucket, ref, record, nowMs, 'start-up sweep')).outcome === 'interrupted';
        });
        completed += results.filter(Boolean).length;
        if (!more || !after) break;
      }
    } catch (e) {
      logger.warn('audit sweep failed', { backend: backend.id, error: toAppError(e, 'audit sweep failed', { backend: backend.id }).message });
    }
  }
  return completed;
}

/** Started once at server start (instrumentation), in the background: never delays or fails start-up. */
export function startInterruptedSweep(): void {
  void sweepInterrupted()
    .then((completed) => logger.info('audit sweep', { completed }))
    .catch((e: unknown) => logger.warn('audit sweep failed', { error: toAppError(e, 'audit sweep failed').message }));
}
