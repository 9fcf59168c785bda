import 'server-only';
/**
 * Records left `pending` by a replica that stopped mid-mutation: completed as `interrupted` by a
 * conditional write, at start-up (lib/jobs/audit-sweep.ts) or when a listing reads them.
 */
import { listAuditKeys, putAuditObjectIfMatch } from '../aws/audit-store';
import { mapLimit } from '../server/concurrency';
import { getConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { logger } from '../server/logger';
import { signJson } from '../server/signing';
import { ATTEMPT_BOUNDS, boundRecord } from './audit-bounds';
import { auditFolder, tagOfAuditKey, timeOfAuditKey, type AuditRecord } from './audit-record';
import { logLine, pending } from './audit-log';
import { readStoredRecord } from './stored-record';

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
 * it now is; never throws (a failure leaves it pending, to be retried on the next read). The caller
 * passes only records whose signature verified: completing a planted one would sign it.
 */
export async function completeIfInterrupted(backend: BackendConfig, bucket: string, ref: { key: string; etag: string }, record: AuditRecord, nowMs: number, by: 'start-up sweep' | 'read'): Promise<AuditRecord> {
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
    if (await putAuditObjectIfMatch(backend, bucket, ref.key, signJson('audit-record', ref.key, JSON.stringify(done)), ref.etag)) {
      logLine('complete', done, { stored: true });
      return done;
    }
    // Completed (or rewritten) by someone else meanwhile: show what is stored now, if it is ours.
    const now = await readStoredRecord(backend, bucket, ref.key);
    return now.status === 'record' && now.verification === 'signed' ? now.record : record;
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
          const read = await readStoredRecord(backend, bucket, ref.key, ref.size);
          if (read.status !== 'record' || read.verification !== 'signed' || read.record.outcome !== 'pending') return false;
          return (await completeIfInterrupted(backend, bucket, { key: ref.key, etag: read.etag }, read.record, nowMs, 'start-up sweep')).outcome === 'interrupted';
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

