import 'server-only';
/**
 * Writing and reading the audit log. A record is written to S3 before the change is made (if that
 * fails, the change is refused) and overwritten with the outcome afterwards; every record also goes
 * to the server log as one JSON line, so a log pipeline has it even if S3 is later unreadable.
 */
import crypto from 'node:crypto';
import { getAuditObject, listAuditKeys, putAuditObject } from '../aws/audit-store';
import { getBackend } from '../server/backends';
import { cachedRead } from '../server/cache';
import { mapLimit } from '../server/concurrency';
import { getConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { logger } from '../server/logger';
import { AppError, type ErrorJson } from '../api/errors';
import {
  auditFolder,
  auditObjectKey,
  compareAuditRecords,
  matchesAuditFilter,
  parseAuditRecord,
  type AuditAction,
  type AuditFilter,
  type AuditOutcome,
  type AuditRecord,
} from './audit-record';

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

function locate(input: AuditInput, nowMs: number): Located {
  const config = getConfig();
  const backend = getBackend(input.backend);
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
  return { record, backend, bucket: config.auditBucket ?? backend.bucket, objectKey: auditObjectKey(config.auditPrefix, backend.id, nowMs, id) };
}

async function write(located: Located): Promise<void> {
  await putAuditObject(located.backend, located.bucket, located.objectKey, JSON.stringify(located.record));
}

/**
 * Writes the record of an attempt before anything changes. Throws `audit_unavailable` (503) when it
 * cannot be stored: the caller must then not make the change. Returns the record id.
 */
export async function beginAudit(input: AuditInput): Promise<string> {
  const located = locate(input, Date.now());
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

/**
 * Records a refused attempt (auth, read-only, origin, validation, unknown backend), best effort: a
 * refusal changes nothing, so a failure to store it is logged, never raised.
 */
export async function recordRefusal(input: AuditInput, error: AppError): Promise<void> {
  let located: Located;
  try {
    located = locate(input, Date.now());
  } catch {
    // Unknown backend: there is no bucket to store it in; the log line is the record.
    const record: AuditRecord = { ...input, id: crypto.randomUUID(), time: new Date().toISOString(), completedAt: new Date().toISOString(), outcome: 'refused', errorCode: error.code, errorMessage: error.message, details: null };
    logLine('refused', record, { stored: false, storeError: 'unknown backend' });
    return;
  }
  located.record = { ...located.record, completedAt: located.record.time, outcome: 'refused', errorCode: error.code, errorMessage: error.message };
  try {
    await write(located);
    logLine('refused', located.record, { stored: true });
  } catch (e) {
    logLine('refused', located.record, { stored: false, storeError: toAppError(e, 'audit write failed', { phase: 'refused', id: located.record.id }).message });
  }
  notifyListeners(located.record);
}

export interface AuditQuery extends AuditFilter {
  /** Only this backend (default: all configured). */
  backend?: string;
  limit: number;
}

export interface AuditListing {
  records: AuditRecord[];
  /** Backends whose records could not be read. */
  errors: ErrorJson[];
  /** True when a backend had more history than was examined for this filter. */
  truncated: boolean;
}

const PAGE = 200;
/** How many records per backend are examined at most to fill one filtered page. */
const MAX_EXAMINED = 2000;
const RECORD_TTL_MS = 10 * 60_000;

async function readRecord(backend: BackendConfig, bucket: string, ref: { key: string; etag: string }): Promise<AuditRecord | null> {
  // An object's body is fixed for a given ETag (a completion rewrites it with a new ETag).
  return cachedRead('audit-record', `${bucket}\u0000${ref.key}\u0000${ref.etag}`, RECORD_TTL_MS, async () => {
    const text = await getAuditObject(backend, bucket, ref.key);
    return text === null ? null : parseAuditRecord(text);
  });
}

/** Newest-first matching records of one backend, reading pages until `limit` match or the cap. */
async function backendRecords(backend: BackendConfig, query: AuditQuery): Promise<{ records: AuditRecord[]; truncated: boolean }> {
  const config = getConfig();
  const bucket = config.auditBucket ?? backend.bucket;
  const folder = auditFolder(config.auditPrefix, backend.id);
  const records: AuditRecord[] = [];
  let startAfter: string | undefined;
  let examined = 0;
  for (;;) {
    const { refs, more } = await listAuditKeys(backend, bucket, folder, Math.min(PAGE, Math.max(query.limit, 20)), startAfter);
    const read = await mapLimit(refs, 8, (ref) => readRecord(backend, bucket, ref));
    for (const record of read) {
      if (record && record.backend === backend.id && matchesAuditFilter(record, query)) records.push(record);
    }
    examined += refs.length;
    startAfter = refs.at(-1)?.key;
    if (records.length >= query.limit || !more || !startAfter) return { records, truncated: false };
    if (examined >= MAX_EXAMINED) return { records, truncated: true };
  }
}

/** Audit records newest first, filtered, across the configured backends (or one). */
export async function listAudit(query: AuditQuery): Promise<AuditListing> {
  const config = getConfig();
  const backends = query.backend ? [getBackend(query.backend)] : config.backends;
  const results = await Promise.allSettled(backends.map((b) => backendRecords(b, query)));
  const records: AuditRecord[] = [];
  const errors: ErrorJson[] = [];
  let truncated = false;
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') {
      records.push(...result.value.records);
      truncated ||= result.value.truncated;
    } else {
      const e = toAppError(result.reason, 'audit read failed', { backend: backends[i]!.id });
      errors.push({ ...e.toJson(), backend: backends[i]!.id });
    }
  });
  return { records: records.sort(compareAuditRecords).slice(0, query.limit), errors, truncated };
}
