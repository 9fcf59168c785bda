import 'server-only';
/**
 * `GET /api/estate`: the estate as one caller may see it. Accounts (from the last discovery run) →
 * backends (discovered, with their status: watched, proposed, ignored; configured ones too) → for
 * each backend Lockboard watches, its locks, stale locks and digest problems from the backend's own
 * latest read (the watcher's, shared with every view) and its bucket's posture (read in the
 * background, cached: null until known). Rolled up per problem and filtered as asked.
 *
 * Who sees what: a backend or a proposal, with the viewer role on its id (ids start with the account:
 * a rule on `111122223333-*` is a team's view of its account); every one of them, the accounts'
 * findings and the unreadable accounts, with the viewer role on `estate` (findings name buckets and
 * tables beyond one's own backends). Deciding takes the operator role on `estate`.
 */
import type { EstateAccount, EstateBackend, EstateQuery, EstateResponse } from '../api/estate';
import { isAllowed, type Identity } from '../auth/identity';
import { discoveryOf, listBackends } from '../server/backends';
import { withCallOrigin } from '../server/call-origin';
import { mapLimit } from '../server/concurrency';
import { getConfig, type AppConfig, type BackendConfig } from '../server/config';
import { toAppError } from '../server/errors';
import { ESTATE_ID } from '../terraform/discovery-names';
import { currentDecisions } from './discovery-decisions';
import { estateDecisionOf } from './discovery-decide';
import { discoveryProgress, lastRun, type FoundBackend } from './discovery';
import { estatePosture, filterEstate, problemsOf, rollups, statusCounts } from './discovery-rollup';
import { listLocks } from './list-locks';
import { listStates } from './list-states';
import { getRecoveryPosture } from './recovery-posture';

const READS_AT_ONCE = 8;
const POSTURE_AT_ONCE = 4;
const POSTURE_TTL_MS = 5 * 60_000;

interface PostureEntry {
  at: number;
  value: EstateBackend['posture'];
  running: boolean;
}

const postureKey = Symbol.for('lockboard.estatePosture');
function postures(): Map<string, PostureEntry> {
  const holder = globalThis as unknown as Record<symbol, Map<string, PostureEntry> | undefined>;
  holder[postureKey] ??= new Map();
  return holder[postureKey];
}

/** The posture known now (null: not yet); reads the stale and missing ones in the background, a few at once. */
function postureNow(backends: readonly BackendConfig[]): Map<string, EstateBackend['posture']> {
  const cache = postures();
  const due = backends.filter((b) => {
    const e = cache.get(b.id);
    return !e || (!e.running && Date.now() - e.at > POSTURE_TTL_MS);
  });
  for (const b of due) cache.set(b.id, { at: Date.now(), value: cache.get(b.id)?.value ?? null, running: true });
  void withCallOrigin('background', () =>
    mapLimit(due, POSTURE_AT_ONCE, async (b) => {
      const entry = cache.get(b.id)!;
      try {
        entry.value = estatePosture(await getRecoveryPosture(b.id, { history: false }));
      } catch {
        // Unknown stays unknown; tried again after the TTL.
      } finally {
        entry.running = false;
        entry.at = Date.now();
      }
    }),
  );
  return new Map(backends.map((b) => [b.id, cache.get(b.id)?.value ?? null]));
}

interface LiveFacts {
  locks: EstateBackend['locks'];
  digestProblems: number | null;
  readError: string | null;
}

/** Locks and digest problems of a watched backend, from its latest read. */
async function liveFacts(backend: BackendConfig): Promise<LiveFacts> {
  const facts: LiveFacts = { locks: null, digestProblems: null, readError: null };
  try {
    const { locks } = await listLocks(backend);
    facts.locks = { count: locks.length, stale: locks.filter((l) => l.stale).length };
    const { states } = await listStates(backend);
    facts.digestProblems = states.filter((s) => s.digestStatus === 'mismatch' || s.digestStatus === 'orphan').length;
  } catch (e) {
    facts.readError = toAppError(e, 'estate read failed', { backend: backend.id }).message;
  }
  return facts;
}

type Row = Omit<EstateBackend, 'problems' | 'locks' | 'digestProblems' | 'readError' | 'posture' | 'viewable'>;

function rowOfFound(b: FoundBackend, status: EstateBackend['status'], watch: EstateBackend['watch']): Row {
  const decision = currentDecisions().get(b.id);
  return {
    id: b.id,
    accountId: b.accountId,
    bucket: b.bucket,
    region: b.region,
    dynamodbTable: b.dynamodbTable,
    useLockfile: b.useLockfile,
    workspaceKeyPrefix: b.workspaceKeyPrefix,
    workspacePrefixSeen: b.workspacePrefixSeen,
    status,
    watch,
    decision: decision ? estateDecisionOf(decision) : null,
    stateCount: b.stateCount,
    countsComplete: b.countsComplete,
    evidence: b.evidence,
  };
}

function rowOfRegistered(b: BackendConfig, status: EstateBackend['status']): Row {
  const origin = discoveryOf(b);
  const decision = currentDecisions().get(b.id);
  return {
    id: b.id,
    accountId: origin?.accountId ?? null,
    bucket: b.bucket,
    region: b.region,
    dynamodbTable: b.dynamodbTable,
    useLockfile: b.useLockfile,
    workspaceKeyPrefix: b.workspaceKeyPrefix,
    workspacePrefixSeen: null,
    status,
    watch: origin ? origin.watch : 'configured',
    decision: decision ? estateDecisionOf(decision) : null,
    stateCount: null,
    countsComplete: false,
    evidence: [],
  };
}

/** Every row of the estate (unfiltered, unread), grouped by account; configured backends no run found go under "configured". */
function rowsByAccount(config: AppConfig): Array<{ account: Omit<EstateAccount, 'backends'>; rows: Row[] }> {
  const run = lastRun();
  const registered = new Map(listBackends().map((b) => [b.id, b]));
  const configuredByBucket = new Map(config.backends.map((b) => [b.bucket, b]));
  const groups = (run?.accounts ?? []).map((account) => ({ account, rows: [] as Row[] }));
  const byId = new Map(groups.map((g) => [g.account.id, g]));
  const placed = new Set<string>();
  for (const b of run?.backends ?? []) {
    const group = byId.get(b.accountId);
    if (!group) continue;
    const configured = configuredByBucket.get(b.bucket);
    if (configured) {
      group.rows.push({ ...rowOfRegistered(configured, 'configured'), accountId: b.accountId, stateCount: b.stateCount, countsComplete: b.countsComplete, evidence: b.evidence, workspacePrefixSeen: b.workspacePrefixSeen });
      placed.add(configured.id);
      continue;
    }
    const decision = currentDecisions().get(b.id)?.decision;
    const watched = registered.get(b.id);
    const status = watched ? 'watched' : decision === 'ignored' ? 'ignored' : 'proposed';
    group.rows.push(rowOfFound(b, status, watched ? (discoveryOf(watched)?.watch ?? null) : null));
    placed.add(b.id);
  }
  const leftovers: Row[] = [];
  for (const b of registered.values()) {
    if (placed.has(b.id)) continue;
    const origin = discoveryOf(b);
    const row = rowOfRegistered(b, origin ? 'not_seen' : 'configured');
    const group = origin ? byId.get(origin.accountId) : undefined;
    if (group) group.rows.push(row);
    else leftovers.push(row);
  }
  if (leftovers.length > 0) groups.push({ account: { id: '', name: 'Not found by discovery (configured, or in an account not searched)', outcome: 'ok', calls: 0, durationMs: 0, findings: [] }, rows: leftovers });
  return groups;
}

/** The estate as this caller may see it, filtered by the query. */
export async function getEstate(identity: Identity, query: EstateQuery): Promise<EstateResponse> {
  const config = getConfig();
  const seesEstate = isAllowed(identity, 'viewer', ESTATE_ID, null, config);
  const may = (id: string) => isAllowed(identity, 'viewer', id, null, config);
  const registered = new Map(listBackends().map((b) => [b.id, b]));
  const groups = rowsByAccount(config)
    // A configured backend only to those who may view it; what discovery found, also to estate viewers.
    .map(({ account, rows }) => ({ account, rows: rows.filter((r) => may(r.id) || (seesEstate && r.status !== 'configured')) }))
    .filter((g) => g.rows.length > 0 || (seesEstate && g.account.id !== ''));
  // Locks, digests and posture only of the backends the caller may view.
  const watched = groups.flatMap((g) => g.rows).flatMap((r) => (registered.has(r.id) && may(r.id) ? [registered.get(r.id)!] : []));
  const live = new Map(await mapLimit(watched, READS_AT_ONCE, async (b) => [b.id, await liveFacts(b)] as const));
  const posture = postureNow(watched);
  const accounts: EstateAccount[] = groups.map(({ account, rows }) => ({
    ...account,
    findings: seesEstate ? account.findings : [],
    backends: rows.map((r) => {
      const facts = live.get(r.id) ?? { locks: null, digestProblems: null, readError: null };
      const row = { ...r, ...facts, viewable: may(r.id), posture: posture.get(r.id) ?? null };
      return { ...row, problems: problemsOf(row) };
    }),
  }));
  const progress = discoveryProgress();
  return {
    enabled: config.discovery !== null,
    progress: seesEstate ? progress : { ...progress, findings: [] },
    accountCount: accounts.filter((a) => a.id !== '').length,
    rollups: rollups(accounts),
    counts: statusCounts(accounts),
    accounts: filterEstate(accounts, query),
    choices: {
      accounts: accounts.filter((a) => a.id !== '').map((a) => ({ id: a.id, name: a.name })),
      regions: [...new Set(accounts.flatMap((a) => a.backends.map((b) => b.region)))].sort(),
    },
    canDecide: config.discovery !== null && !config.readOnly && isAllowed(identity, 'operator', ESTATE_ID, null, config),
    fetchedAt: new Date().toISOString(),
  };
}
