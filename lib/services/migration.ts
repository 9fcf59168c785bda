import 'server-only';
/**
 * The use_lockfile migration view of one backend (issue 15): each state's lock mode as seen from the
 * traces (lib/terraform/lock-migration.ts), digest items left behind, `.tflock` objects orphaned by a
 * crashed client; and the audited, conditional clean-up of those leftovers:
 * - a digest item is deleted only if its `Digest` is still the value listed (deleting it only makes
 *   a client with dynamodb_table skip the check, which is what it does when no digest exists);
 * - an orphan `.tflock` is released through the single force-unlock (`If-Match` on the ETag listed).
 */
import { deleteDigestIfUnchanged } from '../aws/lock-table';
import { AppError } from '../api/errors';
import type { MigrationCleanupBody, MigrationCleanupItemResult, MigrationCleanupResponse, MigrationResponse, OrphanLockfile } from '../api/triage';
import { mapLimit } from '../server/concurrency';
import type { BackendConfig } from '../server/config';
import { classifyMigrationState, summarizeMigration } from '../terraform/lock-migration';
import { digestLockId } from '../terraform/paths';
import { invalidateSnapshot } from './backend-snapshot';
import { forceUnlock } from './force-unlock';
import { listLocks } from './list-locks';
import { listStates } from './list-states';
import { bucketVersioning, lockfileLastSeen } from './lockfile-history';

/** At most this many states get their `.tflock` history read per report (8 at a time). */
const MAX_ANALYSED = 500;
const CONCURRENCY = 8;

function message(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

export async function migrationReport(backend: BackendConfig): Promise<MigrationResponse> {
  const [statesResult, locksResult, versioning] = await Promise.all([listStates(backend), listLocks(backend), bucketVersioning(backend)]);
  const notices = [...statesResult.notices, ...statesResult.errors.map((e) => e.message)];
  const states = statesResult.states.slice(0, MAX_ANALYSED);
  const truncated = statesResult.states.length > states.length;
  if (truncated) notices.push(`Only the first ${MAX_ANALYSED} of ${statesResult.states.length} states are analysed.`);
  const input = { hasTable: backend.dynamodbTable !== null, useLockfile: backend.useLockfile, versioned: versioning === 'Enabled' || versioning === 'Suspended' };

  const lockfileSeen = await mapLimit(states, CONCURRENCY, async (s) => {
    if (s.size === null) return null;
    try {
      return await lockfileLastSeen(backend, s, s.lock?.seen.lockfileEtag ?? null);
    } catch (e) {
      notices.push(`The .tflock history of "${s.key}" could not be read: ${message(e)}`);
      return null;
    }
  });
  const reports = states.map((s, i) =>
    classifyMigrationState(
      { key: s.key, lastModified: s.lastModified, digestStatus: s.digestStatus, digest: s.digest, liveLockSources: s.lock?.sources ?? [], lockfileLastSeen: lockfileSeen[i] ?? null },
      input,
    ),
  );

  const stateKeys = new Set(statesResult.states.filter((s) => s.size !== null).map((s) => s.key));
  const orphanLockfiles: OrphanLockfile[] = locksResult.locks.flatMap((l) => {
    if (!l.stale || l.sources.length !== 1 || l.sources[0] !== 's3' || !l.seen.lockfileEtag) return [];
    const why = !stateKeys.has(l.key)
      ? 'A stale .tflock with no state object next to it: a client crashed before it wrote any state.'
      : l.problems.includes('split_lock')
        ? 'A stale .tflock without its DynamoDB side in dual mode: a client crashed between taking the two locks, or only half was released.'
        : null;
    return why ? [{ key: l.key, id: l.id, etag: l.seen.lockfileEtag, who: l.who, operation: l.operation, created: l.created, ageSeconds: l.ageSeconds, why }] : [];
  });

  return {
    backend: backend.id,
    configured: { dynamodbTable: backend.dynamodbTable !== null, useLockfile: backend.useLockfile },
    versioning,
    summary: summarizeMigration(reports, input),
    states: reports,
    orphanLockfiles,
    truncated,
    notices,
  };
}

async function cleanOne(backend: BackendConfig, item: MigrationCleanupBody['items'][number]): Promise<MigrationCleanupItemResult> {
  const base = { kind: item.kind, key: item.key };
  try {
    if (item.kind === 'digest') {
      if (!backend.dynamodbTable) return { ...base, outcome: 'failed', message: `Backend "${backend.id}" has no DynamoDB table.` };
      const out = await deleteDigestIfUnchanged(backend, digestLockId(backend.bucket, item.key), item.digest);
      return out === 'written'
        ? { ...base, outcome: 'removed', message: 'Digest item deleted.' }
        : { ...base, outcome: 'changed', message: 'The digest item is no longer the value listed (rewritten or already deleted): left alone.' };
    }
    await forceUnlock(backend, { key: item.key, id: item.id, source: 's3', seen: { lockfileEtag: item.etag } });
    return { ...base, outcome: 'removed', message: '.tflock released.' };
  } catch (e) {
    if (e instanceof AppError && e.code === 'lock_changed') return { ...base, outcome: 'changed', message: e.message };
    if (e instanceof AppError && e.code === 'lock_not_found') return { ...base, outcome: 'gone', message: e.message };
    return { ...base, outcome: 'failed', message: message(e) };
  }
}

export async function cleanUpLeftovers(backend: BackendConfig, body: MigrationCleanupBody, ctx: { auditId: string; note?: (d: Record<string, unknown>) => void }): Promise<MigrationCleanupResponse> {
  const results = await mapLimit(body.items, CONCURRENCY, (item) => cleanOne(backend, item));
  invalidateSnapshot(backend.id);
  ctx.note?.({ results: results.map((r) => ({ kind: r.kind, key: r.key, outcome: r.outcome })) });
  return { auditId: ctx.auditId, partial: results.some((r) => r.outcome !== 'removed'), results };
}
