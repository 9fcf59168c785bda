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
import type { StateEntry } from '../api/states';
import { classifyMigrationState, summarizeMigration } from '../terraform/lock-migration';
import { orphanLockfileWhy } from '../terraform/orphan-lockfile';
import { listLocks } from './list-locks';
import { listStates } from './list-states';
import { bucketVersioning, lockfileLastSeen } from './lockfile-history';

/** At most this many states get their `.tflock` history read per report (8 at a time). */
const MAX_ANALYSED = 500;
const CONCURRENCY = 8;
/** How long a report waits for histories not read yet; the rest are answered as being read. */
const HISTORY_WAIT_MS = 4_000;

type HistoryOutcome = { value: string | null } | { error: string };

/**
 * One backend's history pass: one ListObjectVersions per state (8 at a time, cached by
 * lockfile-history.ts), going on after the report that started it has answered, so that a backend
 * of hundreds of states shows what is read so far instead of nothing until the last one. One pass
 * per backend at a time: viewers polling meanwhile read its outcomes, not start their own.
 */
interface HistoryPass {
  done: Promise<void>;
  outcomes: Map<string, HistoryOutcome>;
}

// On globalThis: Next.js may bundle this module more than once; one pass per backend per replica.
const passesKey = Symbol.for('lockboard.migrationPasses');
function passes(): Map<string, HistoryPass> {
  const holder = globalThis as unknown as Record<symbol, Map<string, HistoryPass> | undefined>;
  holder[passesKey] ??= new Map();
  return holder[passesKey];
}

/** A pass's outcome is for the state as that pass listed it: written since, or its `.tflock` changed, it is read again. */
const historyKey = (s: StateEntry) => `${s.key}\u0000${s.etag ?? ''}\u0000${s.lock?.seen.lockfileEtag ?? ''}`;

function historyPass(backend: BackendConfig, states: readonly StateEntry[]): HistoryPass {
  const running = passes().get(backend.id);
  if (running) return running;
  const outcomes = new Map<string, HistoryOutcome>();
  const done = mapLimit(states, CONCURRENCY, async (s) => {
    if (s.size === null) return;
    try {
      outcomes.set(historyKey(s), { value: await lockfileLastSeen(backend, s, s.lock?.seen.lockfileEtag ?? null) });
    } catch (e) {
      outcomes.set(historyKey(s), { error: message(e) });
    }
  }).then(
    () => undefined,
    () => undefined,
  );
  const pass = { done, outcomes };
  passes().set(backend.id, pass);
  void done.finally(() => {
    if (passes().get(backend.id) === pass) passes().delete(backend.id);
  });
  return pass;
}

function message(e: unknown): string {
  return e instanceof AppError ? e.message : String(e);
}

export async function migrationReport(backend: BackendConfig, historyWaitMs = HISTORY_WAIT_MS): Promise<MigrationResponse> {
  const [statesResult, locksResult, versioning] = await Promise.all([listStates(backend), listLocks(backend), bucketVersioning(backend)]);
  const notices = [...statesResult.notices, ...statesResult.errors.map((e) => e.message)];
  const states = statesResult.states.slice(0, MAX_ANALYSED);
  const truncated = statesResult.states.length > states.length;
  if (truncated) notices.push(`Only the first ${MAX_ANALYSED} of ${statesResult.states.length} states are analysed.`);
  const input = { hasTable: backend.dynamodbTable !== null, useLockfile: backend.useLockfile, versioned: versioning === 'Enabled' || versioning === 'Suspended' };

  const pass = historyPass(backend, states);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([pass.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, historyWaitMs)))]).finally(() => clearTimeout(timer));
  const reports = states.map((s) => {
    const outcome = s.size === null ? { value: null } : pass.outcomes.get(historyKey(s));
    if (outcome && 'error' in outcome) notices.push(`The .tflock history of "${s.key}" could not be read: ${outcome.error}`);
    const lockfileSeen = outcome && 'value' in outcome ? outcome.value : null;
    return classifyMigrationState(
      { key: s.key, lastModified: s.lastModified, digestStatus: s.digestStatus, digest: s.digest, liveLockSources: s.lock?.sources ?? [], lockfileLastSeen: lockfileSeen, historyPending: outcome === undefined },
      input,
    );
  });

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
