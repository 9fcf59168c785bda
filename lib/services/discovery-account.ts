import 'server-only';
/**
 * Discovery of one account: assume the role, list the buckets (once) and each configured region's
 * tables, describe each table, scan the lock tables (LockID only), find each bucket's region, probe
 * the buckets of configured regions, check the buckets the tables name but the account does not
 * list, then infer the backends (lib/terraform/discovery-rules.ts). Every read that fails becomes a
 * finding with its reason and fix; the rest of the account is still read. At most 4 requests of the
 * account run at once, and at most `maxCallsPerAccount` are sent.
 */
import { openAccount, type AccountReader, type ListedBucket } from '../aws/discovery-reads';
import { CallCounter, isCallBudgetExceeded, type DiscoveryTarget } from '../aws/discovery-clients';
import { assumeRole } from '../aws/sts';
import { mapLimit } from '../server/concurrency';
import type { DiscoveryConfig } from '../server/config-discovery';
import { toAppError } from '../server/errors';
import type { EstateAccount } from '../api/estate';
import { PARTIAL_CODES } from '../api/estate';
import { discoveryRoleArn } from '../terraform/discovery-names';
import { budgetFinding, capFindings, foreignBucketFinding, outsideRegionsFinding, partialFinding, regionFinding, resourceFinding, roleFinding, bucketsFinding, type Failure } from '../terraform/discovery-findings';
import { foldLockIds, impliedBackends, isLockTableSchema, type BucketEvidence, type DiscoveryFinding, type ImpliedBackend, type LockTableEvidence } from '../terraform/discovery-rules';

/** Requests of one account in flight at once. */
const PER_ACCOUNT = 4;
/** Buckets named by tables but not listed by the account, checked per account (HeadBucket each). */
const MAX_FOREIGN_CHECKS = 10;

export interface AccountInput {
  id: string;
  name: string | null;
  status: string;
}

export interface AccountOutcome {
  account: Omit<EstateAccount, 'backends'>;
  backends: ImpliedBackend[];
}

function failureOf(e: unknown): Failure {
  const error = toAppError(e, 'discovery read failed');
  const details = error.details as { awsError?: unknown };
  return { code: error.code, awsError: typeof details.awsError === 'string' ? details.awsError : null, message: error.message };
}

/** Runs one step of the account; a failure is passed to `onError`, a spent call bound counted as skipped. */
class Steps {
  skipped = 0;
  constructor(readonly findings: DiscoveryFinding[]) {}
  async run<T>(fn: () => Promise<T>, onError: (f: Failure) => DiscoveryFinding | null): Promise<T | null> {
    try {
      return await fn();
    } catch (e) {
      if (isCallBudgetExceeded(e)) {
        this.skipped++;
        return null;
      }
      const finding = onError(failureOf(e));
      if (finding) this.findings.push(finding);
      return null;
    }
  }
}

async function readTables(reader: AccountReader, d: DiscoveryConfig, accountId: string, steps: Steps): Promise<LockTableEvidence[]> {
  const perRegion = await Promise.all(d.regions.map(async (region) => ({ region, list: await steps.run(() => reader.listTables(region), (f) => regionFinding(accountId, region, f)) })));
  const named = perRegion.flatMap(({ region, list }) => (list?.names ?? []).map((table) => ({ region, table })));
  const tables = await mapLimit(named, PER_ACCOUNT, async ({ region, table }) => {
    const described = await steps.run(() => reader.describeTable(region, table), (f) => resourceFinding('table', accountId, region, table, 'describe', f));
    if (!described || !isLockTableSchema(described.schema)) return null;
    const scan = await steps.run(() => reader.scanLockIds(region, table, d.scanPagesPerTable), (f) => resourceFinding('table', accountId, region, table, 'scan', f));
    if (!scan) return null;
    if (!scan.complete) steps.findings.push(partialFinding('scan', accountId, region, table, d.scanPagesPerTable));
    return { table, region, buckets: foldLockIds(scan.lockIds).byBucket, itemsRead: scan.lockIds.length, complete: scan.complete } satisfies LockTableEvidence;
  });
  return tables.filter((t): t is LockTableEvidence => t !== null);
}

async function readBuckets(reader: AccountReader, d: DiscoveryConfig, accountId: string, listed: ListedBucket[], steps: Steps): Promise<BucketEvidence[]> {
  const located = await mapLimit(listed, PER_ACCOUNT, async (b) => {
    const region = b.region ?? (await steps.run(() => reader.bucketRegion(b.name), (f) => resourceFinding('bucket', accountId, null, b.name, 'location', f)));
    return region === null ? null : { bucket: b.name, region };
  });
  const inRegion: Array<{ bucket: string; region: string }> = [];
  for (const b of located) {
    if (!b) continue;
    if (d.regions.includes(b.region)) inRegion.push(b);
    else steps.findings.push(outsideRegionsFinding(accountId, b.bucket, b.region));
  }
  const probed = await mapLimit(inRegion, PER_ACCOUNT, async (b) => {
    const probe = await steps.run(() => reader.probeBucket(b.bucket, b.region, d.probeCallsPerBucket, d.stateSuffixes), (f) => resourceFinding('bucket', accountId, b.region, b.bucket, 'probe', f));
    if (probe && !probe.complete) steps.findings.push(partialFinding('probe', accountId, b.region, b.bucket, d.probeCallsPerBucket));
    return { ...b, probe };
  });
  return probed;
}

/** Buckets the lock tables name that this account does not list: gone, or another account's. */
async function checkForeignNames(reader: AccountReader, accountId: string, tables: LockTableEvidence[], own: Set<string>, steps: Steps): Promise<void> {
  const foreign = tables.flatMap((t) => [...t.buckets.keys()].filter((b) => !own.has(b)).map((bucket) => ({ table: t.table, region: t.region, bucket })));
  const checks = await mapLimit(foreign.slice(0, MAX_FOREIGN_CHECKS), PER_ACCOUNT, async (f) => ({ ...f, exists: (await steps.run(() => reader.bucketExists(f.bucket, f.region), () => null)) ?? ('unknown' as const) }));
  for (const c of checks) steps.findings.push(foreignBucketFinding(accountId, c.region, c.table, c.bucket, c.exists));
  for (const f of foreign.slice(MAX_FOREIGN_CHECKS)) steps.findings.push(foreignBucketFinding(accountId, f.region, f.table, f.bucket, 'unknown'));
}

export async function discoverAccount(d: DiscoveryConfig, target: DiscoveryTarget, input: AccountInput): Promise<AccountOutcome> {
  const started = Date.now();
  const findings: DiscoveryFinding[] = [];
  const counter = new CallCounter(d.maxCallsPerAccount);
  const done = (outcome: EstateAccount['outcome'], backends: ImpliedBackend[] = []): AccountOutcome => ({
    account: { id: input.id, name: input.name, outcome, calls: counter.count, durationMs: Date.now() - started, findings: capFindings(findings) },
    backends,
  });
  if (input.status !== 'ACTIVE') {
    findings.push({ severity: 'info', code: 'account_not_active', accountId: input.id, region: null, resource: null, message: `The account is ${input.status}: not searched.`, fix: '' });
    return done('skipped');
  }
  const roleArn = discoveryRoleArn(input.id, d.roleName, d.region);
  let credentials;
  try {
    credentials = await assumeRole(target, { roleArn, externalId: d.externalId, sessionName: 'lockboard-discovery' }, counter, `discovery:${input.id}`);
  } catch (e) {
    findings.push(isCallBudgetExceeded(e) ? budgetFinding(input.id, d.maxCallsPerAccount, 1) : roleFinding(input.id, roleArn, { roleName: d.roleName, externalId: d.externalId !== null }, failureOf(e)));
    return done('unreadable');
  }
  const reader = openAccount(target, input.id, credentials, counter);
  const steps = new Steps(findings);
  try {
    const [listed, tables] = await Promise.all([steps.run(() => reader.listBuckets(), (f) => bucketsFinding(input.id, f)), readTables(reader, d, input.id, steps)]);
    const buckets = listed ? await readBuckets(reader, d, input.id, listed.buckets, steps) : [];
    // Without the account's own list, no name can be called foreign.
    if (listed) await checkForeignNames(reader, input.id, tables, new Set(listed.buckets.map((b) => b.name)), steps);
    if (steps.skipped > 0) findings.push(budgetFinding(input.id, d.maxCallsPerAccount, steps.skipped));
    const implied = impliedBackends(input.id, tables, buckets);
    findings.push(...implied.findings);
    const partial = findings.some((f) => PARTIAL_CODES.includes(f.code));
    return done(partial ? 'partial' : 'ok', implied.backends);
  } finally {
    reader.close();
  }
}
