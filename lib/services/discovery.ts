import 'server-only';
/**
 * One discovery run across the estate, and what it leaves: the accounts (from the organisation, or
 * the configured list), each searched by discovery-account.ts with at most `maxParallelAccounts` at
 * once, every AWS request counted as `discovery` (background: it yields to live reads on the same
 * endpoint, lib/server/read-budget.ts); then the backend registry is set to the watched ones: those
 * found and `autoWatch`ed or accepted, plus accepted ones the run did not see (kept from their
 * decision), never an ignored one nor one already configured. One run at a time per replica; the
 * progress is readable while it runs.
 */
import { listOrganizationAccounts } from '../aws/organizations';
import { CallCounter, type DiscoveryTarget } from '../aws/discovery-clients';
import { setDiscoveredBackends, type DiscoveredBackend } from '../server/backends';
import { withCallOrigin } from '../server/call-origin';
import { mapLimit } from '../server/concurrency';
import { getConfig } from '../server/config';
import type { DiscoveryConfig } from '../server/config-discovery';
import { toAppError } from '../server/errors';
import { logger } from '../server/logger';
import type { DiscoveryProgress, EstateAccount } from '../api/estate';
import { discoveryRoleArn } from '../terraform/discovery-names';
import type { DiscoveryFinding, ImpliedBackend } from '../terraform/discovery-rules';
import { discoverAccount, type AccountInput } from './discovery-account';
import { currentDecisions, decisionFindings, type StoredDecision } from './discovery-decisions';

export interface FoundBackend extends ImpliedBackend {
  accountName: string | null;
}

export interface EstateRun {
  startedAt: number;
  finishedAt: number;
  accounts: Array<Omit<EstateAccount, 'backends'>>;
  backends: FoundBackend[];
  findings: DiscoveryFinding[];
  calls: number;
}

interface RunState {
  running: Promise<EstateRun> | null;
  startedAt: number | null;
  accountsDone: number;
  accountsTotal: number;
  calls: number;
  lastRun: EstateRun | null;
  nextRunAt: number | null;
}

const stateKey = Symbol.for('lockboard.discoveryRun');

function state(): RunState {
  const holder = globalThis as unknown as Record<symbol, RunState | undefined>;
  holder[stateKey] ??= { running: null, startedAt: null, accountsDone: 0, accountsTotal: 0, calls: 0, lastRun: null, nextRunAt: null };
  return holder[stateKey];
}

export function targetOf(d: DiscoveryConfig): DiscoveryTarget {
  return { region: d.region, endpoint: d.endpoint, forcePathStyle: d.forcePathStyle, timeoutMs: d.awsTimeoutSeconds * 1000 };
}

function runFinding(message: string, fix: string): DiscoveryFinding {
  return { severity: 'error', code: 'organization_unreadable', accountId: '', region: null, resource: null, message, fix };
}

async function accountsOf(d: DiscoveryConfig, target: DiscoveryTarget, findings: DiscoveryFinding[], calls: CallCounter): Promise<AccountInput[]> {
  if (d.accounts !== 'organization') return d.accounts.map((id) => ({ id, name: null, status: 'ACTIVE' }));
  try {
    const { accounts, complete } = await listOrganizationAccounts(target, calls);
    if (!complete) findings.push(runFinding(`The organisation lists more than ${accounts.length} accounts: the rest were not searched.`, 'List the accounts to search in discovery.accounts.'));
    return accounts;
  } catch (e) {
    const error = toAppError(e, 'ListAccounts failed');
    findings.push(
      runFinding(
        `The organisation's accounts could not be listed: ${error.message}`,
        'Run Lockboard with credentials of the management account or of a delegated administrator, allowed organizations:ListAccounts (docs/iam.md); or list the accounts in discovery.accounts.',
      ),
    );
    return [];
  }
}

async function run(d: DiscoveryConfig): Promise<EstateRun> {
  const st = state();
  const startedAt = Date.now();
  const target = targetOf(d);
  const findings: DiscoveryFinding[] = [];
  const orgCalls = new CallCounter(Number.POSITIVE_INFINITY);
  st.startedAt = startedAt;
  st.accountsDone = 0;
  st.accountsTotal = 0;
  st.calls = 0;
  const accounts = await accountsOf(d, target, findings, orgCalls);
  st.accountsTotal = accounts.length;
  st.calls = orgCalls.count;
  const outcomes = await mapLimit(accounts, d.maxParallelAccounts, async (account) => {
    const out = await discoverAccount(d, target, account).catch((e: unknown) => {
      // Unexpected: the account is reported, the run goes on.
      const message = toAppError(e, 'account discovery failed', { account: account.id }).message;
      return { account: { id: account.id, name: account.name, outcome: 'unreadable' as const, calls: 0, durationMs: 0, findings: [{ severity: 'error' as const, code: 'account_unreadable' as const, accountId: account.id, region: null, resource: null, message, fix: 'See the server log.' }] }, backends: [] };
    });
    st.accountsDone++;
    st.calls += out.account.calls;
    return out;
  });
  const result: EstateRun = {
    startedAt,
    finishedAt: Date.now(),
    accounts: outcomes.map((o) => o.account),
    backends: outcomes.flatMap((o) => o.backends.map((b) => ({ ...b, accountName: o.account.name }))),
    findings,
    calls: st.calls,
  };
  logger.info('discovery run', { accounts: result.accounts.length, backends: result.backends.length, unreadable: result.accounts.filter((a) => a.outcome === 'unreadable').length, calls: result.calls, ms: result.finishedAt - startedAt });
  return result;
}

/** Runs discovery now (or joins the run in progress); the registry follows its result. */
export function runDiscovery(): Promise<EstateRun> {
  const st = state();
  const d = getConfig().discovery;
  if (!d) return Promise.reject(new Error('discovery is off'));
  st.running ??= withCallOrigin('discovery', () => run(d))
    .then((result) => {
      st.lastRun = result;
      applyRegistry();
      return result;
    })
    .finally(() => {
      st.running = null;
    });
  return st.running;
}

export function lastRun(): EstateRun | null {
  return state().lastRun;
}

export function setNextRunAt(ms: number | null): void {
  state().nextRunAt = ms;
}

export function discoveryProgress(): DiscoveryProgress {
  const st = state();
  const d = getConfig().discovery;
  const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
  const last = st.lastRun;
  return {
    state: !d ? 'off' : st.running ? 'running' : last ? 'idle' : 'waiting',
    startedAt: iso(st.running ? st.startedAt : last?.startedAt),
    finishedAt: iso(last?.finishedAt),
    nextRunAt: iso(st.nextRunAt),
    accountsDone: st.running ? st.accountsDone : (last?.accounts.length ?? 0),
    accountsTotal: st.running ? st.accountsTotal : (last?.accounts.length ?? 0),
    durationMs: last ? last.finishedAt - last.startedAt : null,
    calls: st.running ? st.calls : (last?.calls ?? 0),
    findings: [...(last?.findings ?? []), ...decisionFindings()],
  };
}

/** What the registry needs of a discovered backend (a run's finding, or an accepted decision). */
type Watchable = Pick<FoundBackend, 'id' | 'accountId' | 'accountName' | 'region' | 'bucket' | 'dynamodbTable' | 'useLockfile' | 'workspaceKeyPrefix'>;

/** The registry's view of one discovered backend, reached with the watch role of its account. */
export function registeredBackend(b: Watchable, d: DiscoveryConfig, watch: 'auto' | 'accepted'): DiscoveredBackend {
  return {
    id: b.id,
    name: `${b.accountName ?? b.accountId} · ${b.bucket}`,
    region: b.region,
    bucket: b.bucket,
    dynamodbTable: b.dynamodbTable,
    workspaceKeyPrefix: b.workspaceKeyPrefix,
    useLockfile: b.useLockfile,
    forcePathStyle: d.forcePathStyle,
    endpoint: d.endpoint,
    roleArn: discoveryRoleArn(b.accountId, d.watchRoleName, b.region),
    stateSuffixes: d.stateSuffixes,
    // The Scan width follows the table (lib/terraform/scan-width.ts).
    scanSegments: null,
    scanPageSize: null,
    awsTimeoutSeconds: d.awsTimeoutSeconds,
    // Discovered backends are polled (event mode needs per-backend wiring: docs/events.md).
    events: null,
    externalId: d.externalId,
    stsEndpoint: d.endpoint,
    discovered: { accountId: b.accountId, accountName: b.accountName, watch },
  };
}

/** Which discovered backends are watched: found and (autoWatch or accepted), or accepted and not found this time. */
export function watchedBackends(d: DiscoveryConfig, found: readonly FoundBackend[], decisions: ReadonlyMap<string, StoredDecision>, configuredBuckets: ReadonlySet<string>): DiscoveredBackend[] {
  const out = new Map<string, DiscoveredBackend>();
  for (const b of found) {
    if (configuredBuckets.has(b.bucket)) continue;
    const decision = decisions.get(b.id)?.decision;
    if (decision === 'ignored') continue;
    if (decision === 'accepted' || d.autoWatch) out.set(b.id, registeredBackend(b, d, decision === 'accepted' ? 'accepted' : 'auto'));
  }
  for (const decision of decisions.values()) {
    if (decision.decision !== 'accepted' || out.has(decision.backendId) || configuredBuckets.has(decision.backend.bucket)) continue;
    out.set(decision.backendId, registeredBackend({ id: decision.backendId, ...decision.backend }, d, 'accepted'));
  }
  return [...out.values()];
}

/** Sets the registry from the last run and the current decisions. */
export function applyRegistry(): void {
  const config = getConfig();
  const d = config.discovery;
  if (!d) return;
  setDiscoveredBackends(watchedBackends(d, state().lastRun?.backends ?? [], currentDecisions(), new Set(config.backends.map((b) => b.bucket))));
}

/** Tests only: forget the runs (a new replica). */
export function resetDiscoveryForTests(): void {
  const st = state();
  st.running = null;
  st.lastRun = null;
  st.nextRunAt = null;
  st.accountsDone = 0;
  st.accountsTotal = 0;
  st.calls = 0;
  setDiscoveredBackends([]);
}
