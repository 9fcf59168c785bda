/**
 * Discovery against a real organisation on moto: 50 member accounts (plus the management account)
 * in 2 regions with decoys (lib/testing/discovery-org.ts), the roles assumed through STS, every read
 * through the real SDK. Two accounts have no role: the fault proxy answers their AssumeRole with
 * AccessDenied as AWS does (moto would assume any role). One file, because an organisation is one
 * per moto server and the org-wide run must see exactly these accounts.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as estateGet } from '@/app/api/estate/route';
import { POST as decidePost } from '@/app/api/estate/proposals/route';
import { GET as locksGet } from '@/app/api/backends/[id]/locks/route';
import { GET as auditGet } from '@/app/api/audit/route';
import type { EstateDecisionResult, EstateResponse } from '../api/estate';
import type { AuditListing } from '../api/audit';
import { listBackends } from '../server/backends';
import { awsCallCountsOf } from '../server/metrics';
import { buildEstate, MemberAccount, memberCredentials, type EstateFixture } from '../testing/discovery-org';
import { motoEndpoint, useBackends, type TestBackend } from '../testing/integration-env';
import { APP_ORIGIN, SAME_ORIGIN_HEADERS } from '../testing/mutation-requests';
import { startAwsFaultProxy, type AwsFaultProxy } from '../../scripts/lib/aws-fault-proxy';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';
import { TERRAFORM_SKIP_REASON, TerraformDir, terraformInfo, type RunningTerraform } from '../../scripts/lib/terraform-cli';
import { applyRegistry, lastRun, resetDiscoveryForTests, runDiscovery } from './discovery';
import { currentDecisions, refreshDecisions, resetDecisionsForTests } from './discovery-decisions';

// Decisions are signed: the key every replica shares (a restart keeps reading what was written).
process.env.LOCKBOARD_SIGNING_KEY = 'discovery-int-test-signing-key-0123456789';

const ACCOUNTS = 50;
const tf = terraformInfo();
if (!tf) console.warn(`[skipped] real Terraform part of lib/services/discovery.int.test.ts: ${TERRAFORM_SKIP_REASON}`);
const run = uniqueName('disc').toLowerCase().slice(0, 20);
const auditBucket = `${run}-audit`;
let fixture: EstateFixture;
let proxy: AwsFaultProxy;

function useDiscoveryConfig(discovery: Record<string, unknown>, extra: Record<string, unknown> = {}): void {
  const configured = { id: 'configured', bucket: `${run}-5-a`, dynamodbTable: 'tf-locks', roleArn: `arn:aws:iam::${fixture.accounts[5]}:role/lockboard-discovery` } as TestBackend;
  useBackends([configured], { auditBucket, discovery: { regions: fixture.regions, endpoint: proxy.endpoint, forcePathStyle: true, ...discovery }, ...extra });
  resetDiscoveryForTests();
  resetDecisionsForTests();
}

async function estate(query = ''): Promise<{ status: number; body: EstateResponse }> {
  const res = await estateGet(new Request(`${APP_ORIGIN}/api/estate${query}`));
  return { status: res.status, body: (await res.json()) as EstateResponse };
}

async function decide(body: unknown): Promise<{ status: number; body: EstateDecisionResult & { error?: { code: string; current?: unknown } } }> {
  const res = await decidePost(new Request(`${APP_ORIGIN}/api/estate/proposals`, { method: 'POST', headers: SAME_ORIGIN_HEADERS, body: JSON.stringify(body) }));
  return { status: res.status, body: (await res.json()) as EstateDecisionResult & { error?: { code: string } } };
}

const roleOf = (id: string) => `arn:aws:iam::${id}:role/lockboard-discovery`;
const shape = (b: { accountId: string; region: string; bucket: string; dynamodbTable: string | null }) => ({ accountId: b.accountId, region: b.region, bucket: b.bucket, dynamodbTable: b.dynamodbTable });

beforeAll(async () => {
  fixture = await buildEstate(motoEndpoint(), run, ACCOUNTS);
  const w = new TerraformWriter();
  await w.createBucket(auditBucket);
  w.destroy();
  proxy = await startAwsFaultProxy(motoEndpoint());
  for (const id of fixture.withoutRole) proxy.denyRole(roleOf(id));
}, 300_000);

afterAll(async () => {
  resetDiscoveryForTests();
  await proxy?.close();
});

describe(`discovery across an organisation of ${ACCOUNTS} accounts in 2 regions`, () => {
  it('finds exactly the real backends, lists each unreadable account with its reason and fix, in under 2 minutes', async () => {
    useDiscoveryConfig({});
    const t0 = Date.now();
    const result = await runDiscovery();
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(120_000);

    expect(result.backends.map(shape).sort((a, b) => a.bucket.localeCompare(b.bucket))).toEqual(fixture.expected);
    expect(result.accounts).toHaveLength(ACCOUNTS + 1);
    const unreadable = result.accounts.filter((a) => a.outcome === 'unreadable');
    expect(unreadable.map((a) => a.id).sort()).toEqual([...fixture.withoutRole].sort());
    for (const a of unreadable) {
      expect(a.findings).toHaveLength(1);
      expect(a.findings[0]).toMatchObject({ code: 'account_unreadable', severity: 'error', resource: roleOf(a.id) });
      expect(a.findings[0]!.message).toContain('could not be assumed (AccessDenied)');
      expect(a.findings[0]!.fix).toContain('scripts/deploy/discovery-role.yaml');
    }

    // Decoys: named, not taken for backends.
    const findingsOf = (id: string) => result.accounts.find((a) => a.id === id)!.findings;
    const { foreignTable, outsideRegion, otherTable } = fixture.decoys;
    expect(findingsOf(foreignTable.accountId).map((f) => [f.code, f.resource, f.message.includes(foreignTable.otherAccountBucket) || f.message.includes(foreignTable.missingBucket)])).toEqual(
      expect.arrayContaining([
        ['bucket_other_account', foreignTable.table, true],
        ['bucket_missing', foreignTable.table, true],
      ]),
    );
    expect(findingsOf(outsideRegion.accountId)).toEqual([expect.objectContaining({ code: 'bucket_outside_regions', region: outsideRegion.region, resource: outsideRegion.bucket, fix: `Add ${outsideRegion.region} to discovery.regions to include it.` })]);
    expect(findingsOf(otherTable.accountId)).toEqual([]);
    expect(result.backends.some((b) => b.bucket === fixture.decoys.emptyBucket || b.dynamodbTable === otherTable.table || b.dynamodbTable === foreignTable.table)).toBe(false);

    // What each backend implies.
    const a0 = result.backends.find((b) => b.bucket === `${run}-0-a`)!;
    expect(a0).toMatchObject({ dynamodbTable: 'tf-locks', useLockfile: false, workspacePrefixSeen: 'env:', stateCount: 2, countsComplete: true });
    expect(result.backends.find((b) => b.bucket === `${run}-0-b`)).toMatchObject({ region: 'eu-west-1', dynamodbTable: null, useLockfile: true, stateCount: 1 });

    // Calls per account: reported, within the bound.
    const readable = result.accounts.filter((a) => a.outcome !== 'unreadable');
    for (const a of readable) expect(a.calls).toBeGreaterThan(0);
    const calls = readable.map((a) => a.calls);
    expect(Math.max(...calls)).toBeLessThanOrEqual(300);
    console.log(`[discovery] ${ACCOUNTS + 1} accounts, 2 regions: ${ms} ms, ${result.calls} calls, per readable account mean ${(calls.reduce((s, n) => s + n, 0) / calls.length).toFixed(1)}, max ${Math.max(...calls)}; by operation ${JSON.stringify(awsCallCountsOf('discovery'))}`);
  }, 180_000);

  it('GET /api/estate: accounts → backends, configured ones as such, rollups, filters; bad filters are a 400', async () => {
    expect(lastRun()).not.toBeNull();
    const { status, body } = await estate();
    expect(status).toBe(200);
    expect(body.enabled).toBe(true);
    expect(body.progress).toMatchObject({ state: 'idle', accountsDone: ACCOUNTS + 1, accountsTotal: ACCOUNTS + 1 });
    expect(body.accountCount).toBe(ACCOUNTS + 1);
    expect(body.counts).toMatchObject({ configured: 1, proposed: fixture.expected.length - 1, watched: 0 });
    const five = body.accounts.find((a) => a.id === fixture.accounts[5])!;
    expect(five.backends.find((b) => b.bucket === `${run}-5-a`)).toMatchObject({ id: 'configured', status: 'configured', locks: { count: 0, stale: 0 }, digestProblems: 0, readError: null });
    expect(body.rollups.find((r) => r.problem === 'unreadable')).toMatchObject({ accounts: 2 });
    expect(body.rollups.find((r) => r.problem === 'proposed')).toMatchObject({ backends: fixture.expected.length - 1 });

    const byAccount = await estate(`?account=${fixture.accounts[2]}`);
    expect(byAccount.body.accounts.map((a) => a.id)).toEqual([fixture.accounts[2]]);
    const byRegion = await estate('?region=eu-west-1');
    expect(byRegion.body.accounts.flatMap((a) => a.backends.map((b) => b.region))).toEqual(Array(fixture.expected.filter((e) => e.region === 'eu-west-1').length).fill('eu-west-1'));
    const byProblem = await estate('?problem=unreadable');
    expect(byProblem.body.accounts.map((a) => a.id).sort()).toEqual([...fixture.withoutRole].sort());
    expect((await estate('?account=12345')).status).toBe(400);
    expect((await estate('?problem=everything')).status).toBe(400);
  });

  it('accept and ignore: conditional on what was seen, audited under "estate", followed by the registry, kept across a restart', async () => {
    const target = lastRun()!.backends.find((b) => b.bucket === `${run}-1-a`)!;
    expect(listBackends().some((b) => b.id === target.id)).toBe(false);

    const accepted = await decide({ key: target.id, decision: 'accept', reason: 'our network account', seen: { etag: null } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.decision).toMatchObject({ decision: 'accepted', by: 'anonymous', reason: 'our network account' });
    const watched = listBackends().find((b) => b.id === target.id)!;
    expect(watched).toMatchObject({ bucket: target.bucket, dynamodbTable: 'tf-locks', roleArn: roleOf(target.accountId) });
    // A real backend now: its own views read it with the account's role.
    const locks = await locksGet(new Request(`${APP_ORIGIN}/api/backends/${target.id}/locks`), { params: Promise.resolve({ id: target.id }) });
    expect(locks.status).toBe(200);

    // The same decision again, as if the operator had not seen the first: refused, nothing written.
    const stale = await decide({ key: target.id, decision: 'ignore', reason: 'not ours', seen: { etag: null } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'decision_changed', current: expect.objectContaining({ decision: 'accepted' }) });

    // Audited: the record lives under the `estate` records, key = the backend id.
    const audit = (await (await auditGet(new Request(`${APP_ORIGIN}/api/audit?backend=estate&key=${target.id}`))).json()) as AuditListing;
    expect(audit.records.map((r) => [r.action, r.outcome, r.backend, r.key])).toEqual([
      ['discovery-decision', 'failed', 'estate', target.id],
      ['discovery-decision', 'succeeded', 'estate', target.id],
    ]);

    // A restart (or another replica): the decision is read back from S3 and the backend watched before any run.
    resetDiscoveryForTests();
    resetDecisionsForTests();
    expect(listBackends().some((b) => b.id === target.id)).toBe(false);
    await refreshDecisions();
    applyRegistry();
    expect(listBackends().find((b) => b.id === target.id)).toMatchObject({ bucket: target.bucket, discovered: { accountId: target.accountId, watch: 'accepted' } });

    await runDiscovery();
    // A decision planted in the bucket (not signed by Lockboard) is reported and not used.
    const planted = lastRun()!.backends.find((b) => b.bucket === `${run}-2-a`)!;
    const doc = { version: 1, backendId: planted.id, decision: 'accepted', backend: { accountId: planted.accountId, accountName: null, region: planted.region, bucket: planted.bucket, dynamodbTable: 'tf-locks', useLockfile: false, workspaceKeyPrefix: 'env:' }, by: 'mallory', at: new Date().toISOString(), reason: 'planted', auditId: 'x' };
    const w = new TerraformWriter();
    await w.s3.send(new PutObjectCommand({ Bucket: auditBucket, Key: `lockboard-discovery/decisions/${planted.id}.json`, Body: JSON.stringify(doc) }));
    w.destroy();
    await refreshDecisions();
    applyRegistry();
    expect(currentDecisions().has(planted.id)).toBe(false);
    expect(listBackends().some((b) => b.id === planted.id)).toBe(false);
    expect((await estate()).body.progress.findings).toEqual([expect.objectContaining({ code: 'decisions_unreadable', message: expect.stringMatching(new RegExp(`${planted.id}\\.json is not used: not signed`)) })]);

    // Ignored, on what was seen: no longer watched; its views are 404.
    const etag = currentDecisions().get(target.id)!.etag;
    const ignored = await decide({ key: target.id, decision: 'ignore', reason: 'moved to the shared account', seen: { etag } });
    expect(ignored.status).toBe(200);
    expect(listBackends().some((b) => b.id === target.id)).toBe(false);
    expect((await locksGet(new Request(`${APP_ORIGIN}/api/backends/${target.id}/locks`), { params: Promise.resolve({ id: target.id }) })).status).toBe(404);
    const row = (await estate(`?account=${target.accountId}`)).body.accounts[0]!.backends.find((b) => b.id === target.id)!;
    expect(row).toMatchObject({ status: 'ignored', decision: { decision: 'ignored', reason: 'moved to the shared account' } });
  }, 120_000);

  it('autoWatch: every backend found is watched like a configured one (locks, states, posture)', async () => {
    // Reads shared for 5 s (as the watcher does in production), so the polls below do not re-read 74 backends each.
    useDiscoveryConfig({ autoWatch: true }, { watchIntervalSeconds: 5 });
    await runDiscovery();
    const ids = new Set(listBackends().map((b) => b.id));
    expect(ids.size).toBe(fixture.expected.length);
    const { body } = await estate(`?account=${fixture.accounts[0]}`);
    const rows = body.accounts[0]!.backends;
    expect(rows.map((r) => r.status)).toEqual(['watched', 'watched']);
    for (const r of rows) expect(r).toMatchObject({ watch: 'auto', locks: { count: 0, stale: 0 }, digestProblems: 0, readError: null });
    // Posture is read in the background: known within a few polls.
    await expect.poll(async () => (await estate(`?account=${fixture.accounts[0]}`)).body.accounts[0]!.backends.every((b) => b.posture !== null), { timeout: 20_000, interval: 500 }).toBe(true);
    const after = (await estate(`?account=${fixture.accounts[0]}`)).body.accounts[0]!.backends;
    for (const b of after) expect(b.posture).toMatchObject({ versioningOff: false });
  }, 120_000);

  it('a region that does not exist is listed per account with the fix; the rest of the estate is still discovered', async () => {
    useDiscoveryConfig({ accounts: [fixture.accounts[0], fixture.accounts[1]], regions: ['us-east-1', 'eu-fake-1'] });
    const result = await runDiscovery();
    expect(result.backends.map((b) => b.bucket).sort()).toEqual([`${run}-0-a`, `${run}-1-a`]);
    for (const a of result.accounts) {
      expect(a.outcome).toBe('partial');
      const f = a.findings.find((x) => x.code === 'region_unreadable')!;
      expect(f).toMatchObject({ region: 'eu-fake-1', severity: 'error' });
      expect(f.message).toMatch(/^Region eu-fake-1: the lock tables could not be listed: /);
      expect(f.fix).toContain('exists and is enabled for this account');
    }
    // Account 0's eu-west-1 bucket is now outside the configured regions: said, not silently skipped.
    expect(result.accounts[0]!.findings.some((f) => f.code === 'bucket_outside_regions' && f.resource === `${run}-0-b`)).toBe(true);
  }, 60_000);

  it('bounded: an account past maxCallsPerAccount stops there and says what it did not check', async () => {
    const id = fixture.accounts[7]!;
    const member = new MemberAccount(motoEndpoint(), id, await memberCredentials(motoEndpoint(), id), 'us-east-1');
    for (let i = 0; i < 25; i++) await member.bucket(`${run}-7-extra-${i}`);
    member.destroy();
    useDiscoveryConfig({ accounts: [id], maxCallsPerAccount: 20 });
    const result = await runDiscovery();
    const account = result.accounts[0]!;
    expect(account.calls).toBe(20);
    expect(account.outcome).toBe('partial');
    expect(account.findings.find((f) => f.code === 'call_budget_reached')?.message).toMatch(/bound of 20 requests: \d+ table\(s\) or bucket\(s\) were not checked/);
  }, 60_000);

  it('live reads of the rest of Lockboard stay fast while discovery runs (its requests yield to them)', async () => {
    useDiscoveryConfig({});
    const read = async () => {
      const t = performance.now();
      const res = await locksGet(new Request(`${APP_ORIGIN}/api/backends/configured/locks`), { params: Promise.resolve({ id: 'configured' }) });
      expect(res.status).toBe(200);
      return performance.now() - t;
    };
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) idle.push(await read());
    const running = runDiscovery();
    let done = false;
    void running.finally(() => (done = true));
    const during: number[] = [];
    while (!done) during.push(await read());
    await running;
    const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
    console.log(`[discovery] live GET /locks: idle p50 ${p(idle, 0.5).toFixed(0)} ms; during discovery p50 ${p(during, 0.5).toFixed(0)} ms, p95 ${p(during, 0.95).toFixed(0)} ms, max ${Math.max(...during).toFixed(0)} ms over ${during.length} reads`);
    expect(during.length).toBeGreaterThan(5);
    expect(p(during, 0.95)).toBeLessThan(2_000);
  }, 180_000);

  describe.skipIf(!tf)(`with real Terraform ${tf?.version ?? ''}`, () => {
    const runs: RunningTerraform[] = [];
    const dirs: TerraformDir[] = [];
    afterAll(async () => {
      await Promise.all(runs.map((r) => r.kill9()));
      dirs.forEach((d) => d.cleanup());
    });

    it('a lock held by terraform apply in one discovered account shows in the estate under that account, not the other', async () => {
      const [a, b] = [fixture.accounts[8]!, fixture.accounts[9]!];
      useDiscoveryConfig({ accounts: [a, b], autoWatch: true });
      await runDiscovery();
      const key = 'terraform-run/app.tfstate';
      const dir = new TerraformDir({ endpoint: motoEndpoint(), bucket: `${run}-8-a`, key, dynamodbTable: 'tf-locks', useLockfile: true, sleepSeconds: 30, credentials: await memberCredentials(motoEndpoint(), a) });
      dirs.push(dir);
      await dir.init();
      const apply = dir.startApply();
      runs.push(apply);
      const backendOf = (body: EstateResponse, account: string, bucket: string) => body.accounts.find((x) => x.id === account)?.backends.find((x) => x.bucket === bucket);
      await expect
        .poll(async () => backendOf((await estate()).body, a, `${run}-8-a`)?.locks?.count, { timeout: 30_000, interval: 500 })
        .toBe(1);
      const { body } = await estate();
      expect(backendOf(body, a, `${run}-8-a`)).toMatchObject({ status: 'watched', problems: expect.arrayContaining(['locked']) });
      expect(backendOf(body, b, `${run}-9-a`)).toMatchObject({ status: 'watched', locks: { count: 0, stale: 0 } });
      expect(body.rollups.find((r) => r.problem === 'locked')).toMatchObject({ accounts: 1, backends: 1 });
      // The backend's own view names the holder: terraform itself.
      const id = backendOf(body, a, `${run}-8-a`)!.id;
      const locks = (await (await locksGet(new Request(`${APP_ORIGIN}/api/backends/${id}/locks`), { params: Promise.resolve({ id }) })).json()) as { locks: Array<{ key: string; operation: string; version: string; sources: string[] }> };
      expect(locks.locks).toEqual([expect.objectContaining({ key, operation: 'OperationTypeApply', version: tf!.version, sources: ['dynamodb', 's3'] })]);
      await apply.kill9();
    }, 120_000);
  });

  it('access: a caller sees the backends and proposals whose ids they may view; all of them and the findings take viewer on "estate"; deciding, operator there', async () => {
    // Account 2 has findings (its table names a bucket of account 3 and one that is gone).
    const [a0, a1] = [fixture.accounts[2]!, fixture.accounts[3]!];
    const rules = [
      { backends: [`${a0}-*`], users: ['alice@example.com'], role: 'viewer' },
      { backends: ['estate'], users: ['bob@example.com'], role: 'viewer' },
      { backends: ['estate'], keys: [`${a1}-*`], users: ['carol@example.com'], role: 'operator' },
    ];
    useDiscoveryConfig({ accounts: [a0, a1], autoWatch: false }, { authMode: 'proxy', defaultRole: 'none', accessRules: rules });
    const found = (await runDiscovery()).backends;
    const as = async (user: string, query = '') => (await (await estateGet(new Request(`${APP_ORIGIN}/api/estate${query}`, { headers: { 'x-forwarded-email': user } }))).json()) as EstateResponse;
    // Alice may view account 0's ids: she sees its backends (proposed here), no other account's, and no finding.
    const alice = await as('alice@example.com');
    expect(alice.accounts.flatMap((a) => a.backends.map((b) => b.id)).sort()).toEqual(found.filter((b) => b.accountId === a0).map((b) => b.id).sort());
    expect(alice.accounts.flatMap((a) => a.findings)).toEqual([]);
    expect(alice.canDecide).toBe(false);
    // Bob views the estate: every proposal and every account's findings, and may not decide.
    const bob = await as('bob@example.com');
    expect(bob.accounts.flatMap((a) => a.backends.map((b) => b.id)).sort()).toEqual(found.map((b) => b.id).sort());
    expect(bob.accounts.find((a) => a.id === a0)!.findings.length).toBeGreaterThan(0);
    expect(bob.canDecide).toBe(false);
    // Carol decides on account 1's backends only; a decision on account 0's is refused (and audited as refused).
    const post = (user: string, key: string) =>
      decidePost(new Request(`${APP_ORIGIN}/api/estate/proposals`, { method: 'POST', headers: { ...SAME_ORIGIN_HEADERS, 'x-forwarded-email': user }, body: JSON.stringify({ key, decision: 'accept', reason: 'mine', seen: { etag: null } }) }));
    const mine = found.find((b) => b.accountId === a1)!;
    const theirs = found.find((b) => b.accountId === a0)!;
    expect((await post('bob@example.com', mine.id)).status).toBe(403);
    expect((await post('carol@example.com', theirs.id)).status).toBe(403);
    expect((await post('carol@example.com', mine.id)).status).toBe(200);
    // Now watched, account 1's backend is a backend with locks and posture: still not Alice's to see.
    expect((await as('alice@example.com')).accounts.flatMap((a) => a.backends.map((b) => b.accountId))).not.toContain(a1);
    // Bob sees it (estate viewer) but not its locks: he may not view that backend.
    expect((await as('bob@example.com')).accounts.flatMap((a) => a.backends).find((b) => b.id === mine.id)).toMatchObject({ status: 'watched', viewable: false, locks: null, posture: null });
    const refusals = (await (await auditGet(new Request(`${APP_ORIGIN}/api/audit?backend=estate&key=${theirs.id}&outcome=refused`, { headers: { 'x-forwarded-email': 'bob@example.com' } }))).json()) as AuditListing;
    expect(refusals.records.map((r) => [r.user, r.action, r.key])).toEqual([['carol@example.com', 'discovery-decision', theirs.id]]);
  }, 60_000);
});
