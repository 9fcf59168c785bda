import 'server-only';
/**
 * Writing the audit log. A record is written to S3 before the change is made (if that fails, the
 * change is refused) and overwritten with the outcome afterwards; every record also goes to the
 * server log as one JSON line, so a log pipeline has it even if S3 is later unreadable. Refusals are
 * in audit-refusals.ts, reading in audit-listing.ts, interrupted records in audit-interrupted.ts.
 */
import crypto from 'node:crypto';
import { putAuditObject } from '../aws/audit-store';
import { recordsHome } from '../server/backends';
import { getConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { logger } from '../server/logger';
import { signJson } from '../server/signing';
import { AppError } from '../api/errors';
import { stripControls } from '../terraform/safe-text';
import { ATTEMPT_BOUNDS, boundRecord, REFUSAL_BOUNDS, type AuditBounds } from './audit-bounds';
import { auditObjectKey, type AuditAction, type AuditKind, type AuditOutcome, type AuditRecord } from './audit-record';

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
  /** The tool the caller named (`X-Lockboard-Client`, cleaned and bounded), stored as the record's `via`. */
  via?: string | null;
  /** The client address the request claims (X-Forwarded-For); rate-limits anonymous refusals. */
  client?: string | null;
}

export interface AuditCompletion {
  outcome: Exclude<AuditOutcome, 'pending' | 'refused'>;
  errorCode?: string | null;
  errorMessage?: string | null;
  details?: Record<string, unknown> | null;
}

export interface Located {
  record: AuditRecord;
  backend: BackendConfig;
  bucket: string;
  objectKey: string;
  bounds: AuditBounds;
}

/** Begun and not yet completed, by record id (the same process completes what it began). */
export const pending = new Map<string, Located>();

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

export function notifyListeners(record: AuditRecord): void {
  for (const listener of auditListeners()) {
    try {
      listener(record);
    } catch (e) {
      logger.error('audit listener failed', { error: e });
    }
  }
}

/** The server log's copy of each audit step (bounded like every log line: long values are cut). */
export function logLine(phase: 'begin' | 'complete' | 'refused', record: AuditRecord, extra: { stored: boolean; storeError?: string }): void {
  logger.info('audit', { phase, ...extra, record });
}

/** The input as stored (the client address only goes into a refusal's details). */
export function withoutClient(input: AuditInput): Omit<AuditInput, 'client'> {
  const copy = { ...input };
  delete copy.client;
  return copy;
}

export function locate(full: AuditInput, nowMs: number, kind: AuditKind): Located {
  const config = getConfig();
  const backend = recordsHome(full.backend);
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
    // The user and key as stored (controls stripped), so that key filters agree with content filters.
    objectKey: auditObjectKey(config.auditPrefix, backend.id, nowMs, id, { action: input.action, kind, user: stripControls(input.user), key: input.key === null ? null : stripControls(input.key) }),
    bounds: kind === 'refused' ? REFUSAL_BOUNDS : ATTEMPT_BOUNDS,
  };
}

/** Bounds the record and stores it signed (lib/server/signing.ts: a reader tells it from a planted one). */
export async function write(located: Located): Promise<void> {
  located.record = boundRecord(located.record, located.bounds);
  await putAuditObject(located.backend, located.bucket, located.objectKey, signJson('audit-record', located.objectKey, JSON.stringify(located.record)));
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
