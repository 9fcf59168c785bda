import 'server-only';
/**
 * The use_lockfile migration view of one backend (issue 15): each state's lock mode as seen from the
 * traces (lib/terraform/lock-migration.ts), digest items left behind, `.tflock` objects orphaned by a
 * crashed client (lib/terraform/orphan-lockfile.ts). Their audited, conditional clean-up is
 * lib/services/migration-cleanup.ts.
 */
import { AppError } from '../api/errors';
import type { MigrationResponse, OrphanLockfile } from '../api/migration';
import { mapLimit } from '../server/concurrency';
import type { BackendConfig } from '../server/config';
import { classifyMigrationState, summarizeMigration } from '../terraform/lock-migration';
import { orphanLockfileWhy } from '../terraform/orphan-lockfile';
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
    const why = orphanLockfileWhy(l, stateKeys.has(l.key));
    return why && l.seen.lockfileEtag ? [{ key: l.key, id: l.id, etag: l.seen.lockfileEtag, who: l.who, operation: l.operation, created: l.created, ageSeconds: l.ageSeconds, why }] : [];
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
