/**
 * The estate rolled up and filtered: each backend's problems (from its latest read and its bucket's
 * posture), per problem how many accounts and backends have it ("3 of 50 accounts: versioning
 * off") and how many are not known yet, and the filters by account, region and problem. No I/O:
 * unit-tested on its own.
 */
import type { EstateAccount, EstateBackend, EstateBackendStatus, EstatePosture, EstateProblem, EstateQuery, EstateRollup } from '../api/estate';
import { ESTATE_PROBLEMS } from '../api/estate';

/** Posture finding codes that mean "history expiring" (prior versions or current states are deleted by a lifecycle rule). */
const EXPIRING = new Set(['noncurrent_expiration', 'state_expiration', 'state_expiring', 'restore_window_closing']);

export interface PostureInput {
  restore: EstatePosture['restore'];
  versioning: { status: 'ok'; value: { status: string } } | { status: 'not_checked' };
  lifecycle: { status: 'ok' | 'not_checked' };
  replication: { status: 'ok' | 'not_checked' };
  findings: ReadonlyArray<{ code: string }>;
}

/** The three posture facts the estate rolls up (null: not checked). */
export function estatePosture(p: PostureInput): EstatePosture {
  const codes = new Set(p.findings.map((f) => f.code));
  return {
    restore: p.restore,
    versioningOff: p.versioning.status === 'ok' ? p.versioning.value.status !== 'Enabled' : null,
    historyExpiring: p.lifecycle.status === 'ok' ? [...EXPIRING].some((c) => codes.has(c)) : null,
    noReplication: p.replication.status === 'ok' ? codes.has('no_replication') : null,
  };
}

/** Which problems a backend has, from what is known of it. */
export function problemsOf(b: Omit<EstateBackend, 'problems'>): EstateProblem[] {
  const out: EstateProblem[] = [];
  if ((b.locks?.count ?? 0) > 0) out.push('locked');
  if ((b.locks?.stale ?? 0) > 0) out.push('stale_locks');
  if ((b.digestProblems ?? 0) > 0) out.push('digest_problems');
  if (b.posture?.versioningOff) out.push('versioning_off');
  if (b.posture?.historyExpiring) out.push('history_expiring');
  if (b.posture?.noReplication) out.push('no_replication');
  if (b.readError !== null) out.push('unreadable');
  if (b.status === 'proposed') out.push('proposed');
  return out;
}

const WATCHED: ReadonlySet<EstateBackendStatus> = new Set(['configured', 'watched', 'not_seen']);

/** Whether a watched backend's value for this problem is still unknown (not read, or not checked). */
function unknownFor(b: EstateBackend, problem: EstateProblem): boolean {
  if (!WATCHED.has(b.status) || !b.viewable) return false;
  switch (problem) {
    case 'locked':
    case 'stale_locks':
      return b.locks === null;
    case 'digest_problems':
      return b.digestProblems === null;
    case 'versioning_off':
      return b.posture?.versioningOff == null;
    case 'history_expiring':
      return b.posture?.historyExpiring == null;
    case 'no_replication':
      return b.posture?.noReplication == null;
    default:
      return false;
  }
}

function accountUnreadable(a: EstateAccount): boolean {
  return a.outcome === 'unreadable' || a.outcome === 'partial';
}

/** Per problem: accounts and backends that have it, and watched backends where it is not known yet. */
export function rollups(accounts: readonly EstateAccount[]): EstateRollup[] {
  return ESTATE_PROBLEMS.map((problem) => {
    let accountsWith = 0;
    let backends = 0;
    let unknown = 0;
    for (const a of accounts) {
      const hit = a.backends.filter((b) => b.problems.includes(problem));
      backends += hit.length;
      unknown += a.backends.filter((b) => unknownFor(b, problem)).length;
      // The group of backends no run placed in an account (id '') is not an account.
      if (a.id !== '' && (hit.length > 0 || (problem === 'unreadable' && accountUnreadable(a)))) accountsWith++;
    }
    return { problem, accounts: accountsWith, backends, unknown };
  });
}

/** The accounts and backends the query asks for; an account with nothing left is dropped (unless its own problem matches). */
export function filterEstate(accounts: readonly EstateAccount[], q: EstateQuery): EstateAccount[] {
  const out: EstateAccount[] = [];
  for (const a of accounts) {
    if (q.account !== undefined && a.id !== q.account) continue;
    const backends = a.backends.filter((b) => (q.region === undefined || b.region === q.region) && (q.problem === undefined || b.problems.includes(q.problem)));
    const findings = q.region === undefined ? a.findings : a.findings.filter((f) => f.region === q.region || f.region === null);
    const ownProblem = q.problem === 'unreadable' && accountUnreadable(a);
    const filtered = q.region !== undefined || q.problem !== undefined;
    if (filtered && backends.length === 0 && !ownProblem) continue;
    out.push({ ...a, backends, findings });
  }
  return out;
}

/** How many backends have each status. */
export function statusCounts(accounts: readonly EstateAccount[]): Record<EstateBackendStatus, number> {
  const counts: Record<EstateBackendStatus, number> = { configured: 0, watched: 0, proposed: 0, ignored: 0, not_seen: 0 };
  for (const a of accounts) for (const b of a.backends) counts[b.status]++;
  return counts;
}
