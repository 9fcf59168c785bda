/**
 * Liveness with the real Terraform CLI run through `lockboard run` (the bundled CLI, as npx runs it),
 * against moto, read back through GET /locks. Short thresholds keep it fast (a beat every second,
 * alive within 3 s, dead after 8 s); scripts/bench/liveness.ts measures the real 15 s / 45 s / 2 min.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as locksGet } from '@/app/api/backends/[id]/locks/route';
import type { Lock } from '../api/locks';
import { listAudit } from '../audit/audit-listing';
import { autoReleasePass } from '../jobs/auto-release';
import { clearCache } from '../server/cache';
import { motoEndpoint, useBackends } from '../testing/integration-env';
import { buildCli, childrenOf, startWrapped } from '../testing/lockboard-run';
import { TERRAFORM_SKIP_REASON, TerraformDir, outputTail, terraformInfo } from '../../scripts/lib/terraform-cli';
import { TerraformWriter, uniqueName } from '../../scripts/lib/terraform-writer';

const tf = terraformInfo();
if (!tf) console.warn(`[skipped] lib/services/liveness.int.test.ts: ${TERRAFORM_SKIP_REASON}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LIVENESS = { aliveWithinSeconds: 3, deadAfterSeconds: 8, longestRunMinutes: 60 };

describe.skipIf(!tf)(`liveness through lockboard run with terraform ${tf?.version ?? 'absent'}`, () => {
  const w = new TerraformWriter();
  const bucket = uniqueName('live');
  const table = uniqueName('livetable');
  const dirs: TerraformDir[] = [];
  const groups: number[] = [];

  const dirFor = async (key: string, sleepSeconds = 0, { locking = true } = {}) => {
    const dir = new TerraformDir({ endpoint: motoEndpoint(), bucket, key, dynamodbTable: locking ? table : null, useLockfile: locking, sleepSeconds });
    dirs.push(dir);
    await dir.init();
    return dir;
  };
  const locks = async (): Promise<Lock[]> => {
    const res = await locksGet(new Request('http://localhost/api/backends/live/locks'), { params: Promise.resolve({ id: 'live' }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { locks: Lock[] }).locks;
  };
  const lockAt = async (key: string) => (await locks()).find((l) => l.key === key) ?? null;
  const heldInAws = async (key: string) => {
    const item = await w.ddb.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: `${bucket}/${key}` } }, ConsistentRead: true }));
    const file = await w.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `${key}.tflock` })).then(() => true, () => false);
    return item.Item !== undefined || file;
  };
  const heartbeats = async () => ((await w.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'lockboard-heartbeats/' }))).Contents ?? []).map((c) => c.Key!);
  const wrapped = async (dir: TerraformDir, argv: string[], opts: { stdin?: string } = {}) => {
    const run = await startWrapped(dir.dir, dir.env, ['terraform', ...argv], opts);
    groups.push(run.pid);
    return run;
  };

  beforeAll(async () => {
    await Promise.all([w.createBucket(bucket), w.createTable(table), buildCli()]);
    useBackends([{ id: 'live', bucket, dynamodbTable: table, useLockfile: true }], { watchIntervalSeconds: 0, liveness: LIVENESS });
  });

  afterAll(() => {
    for (const g of groups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        // gone
      }
    }
    dirs.forEach((d) => d.cleanup());
    clearCache();
    w.destroy();
  });

  it('a slow apply is alive throughout; its heartbeat names the Terraform process and is deleted when the lock is released', async () => {
    const key = 'slow/terraform.tfstate';
    const dir = await dirFor(key, 8);
    const run = await wrapped(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    const seen: Array<{ at: number; state: string | null }> = [];
    const done: { exit: { code: number | null } | null } = { exit: null };
    void run.exited.then((e) => (done.exit = e));
    let terraformPid: number | null = null;
    while (!done.exit) {
      const lock = await lockAt(key);
      if (lock) seen.push({ at: Date.now(), state: lock.liveness?.state ?? null });
      if (lock?.liveness?.holder) terraformPid = lock.liveness.holder.pid;
      await sleep(300);
    }
    expect(done.exit.code, run.output()).toBe(0);
    const states = seen.map((s) => s.state);
    const firstAlive = states.indexOf('alive');
    console.log(`[liveness] slow apply: ${seen.length} reads while locked; first alive after ${firstAlive >= 0 ? seen[firstAlive]!.at - seen[0]!.at : '-'} ms; states ${[...new Set(states)].join(',')}`);
    expect(firstAlive, states.join(',')).toBeGreaterThanOrEqual(0);
    // Before the first beat the lock is unknown (no heartbeat yet); from then on alive, never dead.
    expect(states.slice(firstAlive).every((s) => s === 'alive'), states.join(',')).toBe(true);
    expect(states).not.toContain('dead');
    expect(seen[firstAlive]!.at - seen[0]!.at).toBeLessThan(4000);
    // The beat names Terraform's process (a child of the wrapper), not the wrapper.
    expect(terraformPid).not.toBe(run.pid);
    expect(await heldInAws(key)).toBe(false);
    expect(await heartbeats()).toEqual([]);
  });

  it('the wrapper and Terraform killed together: dead within the dead window; auto-release frees it and the next plan runs', async () => {
    const key = 'killed/terraform.tfstate';
    const dir = await dirFor(key, 60);
    const run = await wrapped(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    let lock: Lock | null = null;
    const deadline = Date.now() + 30_000;
    while (lock?.liveness?.state !== 'alive' && Date.now() < deadline) {
      lock = await lockAt(key);
      await sleep(200);
    }
    expect(lock?.liveness?.state, run.output()).toBe('alive');
    // The runner dies: the whole group (wrapper, Terraform, the helper, the provisioner) at once.
    const killedAt = Date.now();
    process.kill(-run.pid, 'SIGKILL');
    await run.exited;
    let deadAt: number | null = null;
    while (deadAt === null && Date.now() - killedAt < 30_000) {
      const now = await lockAt(key);
      expect(now, 'the lock stays held').not.toBeNull();
      if (now!.liveness?.state === 'dead') deadAt = Date.now();
      else await sleep(250);
    }
    console.log(`[liveness] killed with its wrapper: dead after ${deadAt === null ? 'never' : deadAt - killedAt} ms (dead window ${LIVENESS.deadAfterSeconds} s)`);
    expect(deadAt).not.toBeNull();
    // The last beat is at most one interval before the kill; S3 times have whole seconds.
    expect(deadAt! - killedAt).toBeLessThanOrEqual((LIVENESS.deadAfterSeconds + 3) * 1000);

    // Auto-release off: nothing happens to it. On (dead for 0 min on this key): released once, audited.
    await autoReleasePass();
    expect(await heldInAws(key)).toBe(true);
    useBackends([{ id: 'live', bucket, dynamodbTable: table, useLockfile: true }], { watchIntervalSeconds: 0, liveness: { ...LIVENESS, autoRelease: [{ backends: ['live'], keys: ['killed/**'], afterMinutes: 0 }] } });
    await Promise.all([autoReleasePass(), autoReleasePass()]);
    expect(await heldInAws(key)).toBe(false);
    const audit = await listAudit({ backend: 'live', key, limit: 10 });
    const records = audit.records.filter((r) => r.action === 'force-unlock');
    expect(records.filter((r) => r.outcome === 'succeeded')).toHaveLength(1);
    expect(records[0]).toMatchObject({ user: 'lockboard:auto-release', via: 'lockboard/auto-release', seen: { id: lock!.id, liveness: { state: 'dead' } } });
    const plan = await dir.plan(['-lock-timeout=0s']);
    expect(plan.code).toBe(0);
    useBackends([{ id: 'live', bucket, dynamodbTable: table, useLockfile: true }], { watchIntervalSeconds: 0, liveness: LIVENESS });
  });

  it('the wrapper alone killed: Terraform goes on and stays alive past the dead window; its lock is released and the heartbeat deleted', async () => {
    const key = 'orphan/terraform.tfstate';
    const dir = await dirFor(key, 14);
    const beatsBefore = await heartbeats();
    const run = await wrapped(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
    const deadline = Date.now() + 30_000;
    while ((await lockAt(key))?.liveness?.state !== 'alive' && Date.now() < deadline) await sleep(200);
    // Not awaiting run.exited: its pipes close only when Terraform, which shares them, ends too.
    process.kill(run.pid, 'SIGKILL');
    const killedAt = Date.now();
    const states: string[] = [];
    for (;;) {
      const lock = await lockAt(key);
      if (!lock) break;
      states.push(lock.liveness?.state ?? 'none');
      expect(Date.now() - killedAt, 'Terraform finished').toBeLessThan(40_000);
      await sleep(300);
    }
    console.log(`[liveness] wrapper alone killed: held ${Date.now() - killedAt} ms more, states ${[...new Set(states)].join(',')}`);
    expect(Date.now() - killedAt).toBeGreaterThan(LIVENESS.deadAfterSeconds * 1000);
    expect(new Set(states)).toEqual(new Set(['alive']));
    const until = Date.now() + 5000;
    while ((await heartbeats()).length > beatsBefore.length && Date.now() < until) await sleep(200);
    expect(await heartbeats()).toEqual(beatsBefore);
  });

  it('plan -detailed-exitcode returns 0, 1 and 2 through the wrapper, as without it; stdin and stdout pass through', async () => {
    // A backend without state locking: this test is about exit codes and streams, not locks (the tests above
    // are). Terraform 1.11's lock acquisition is not idempotent: when its SDK retries a conditional lock write
    // whose first attempt took effect (the response lost, as seen against moto on a loaded machine), the retry
    // fails against Terraform's own lock, Terraform exits 1 and leaves that lock, and every later command on the
    // key failed on it (CI once: {"changes":[2,1],"none":[1,1],"error":[1,1]}). `console` locks too, with no -lock flag.
    const dir = await dirFor('codes/terraform.tfstate', 0, { locking: false });
    type Ran = { code: number | null; signal: string | null; stdout: string; stderr: string };
    const direct = (args: string[]): Ran => {
      const r = spawnSync(tf!.path, args, { cwd: dir.dir, env: dir.env, encoding: 'utf8' });
      return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
    };
    const through = async (args: string[]): Promise<Ran> => {
      const run = await wrapped(dir, args);
      const exit = await run.exited;
      return { ...exit, stdout: run.stdout(), stderr: run.stderr() };
    };
    const plan = ['plan', '-detailed-exitcode', '-input=false', '-no-color'];
    const runs: Record<string, [Ran, Ran]> = {};
    runs.changes = [direct(plan), await through(plan)];
    const main = path.join(dir.dir, 'main.tf');
    const withResource = fs.readFileSync(main, 'utf8');
    fs.writeFileSync(main, withResource.slice(0, withResource.indexOf('resource "terraform_data"')));
    runs.none = [direct(plan), await through(plan)];
    fs.writeFileSync(main, `${withResource}\nresource "nope" {\n`);
    runs.error = [direct(plan), await through(plan)];
    const codes = Object.fromEntries(Object.entries(runs).map(([k, pair]) => [k, pair.map((r) => r.code)]));
    console.log(`[liveness] plan -detailed-exitcode (direct, wrapped): ${JSON.stringify(codes)}`);
    const expected: Record<string, [number, number]> = { changes: [2, 2], none: [0, 0], error: [1, 1] };
    // An unexpected exit says why: Terraform's own words (and the wrapper's `lockboard:` lines) for each such run.
    const why = Object.entries(runs).flatMap(([k, pair]) =>
      pair.flatMap((r, i) => (r.code === expected[k]![i] ? [] : [`${k}, ${i === 0 ? 'direct' : 'wrapped'}: exit ${r.code ?? r.signal}\n${outputTail(r)}`])),
    );
    expect(codes, why.join('\n\n')).toEqual(expected);
    fs.writeFileSync(main, withResource);
    const console_ = await wrapped(dir, ['console'], { stdin: '1 + 2\n' });
    expect((await console_.exited).code, outputTail({ stdout: console_.stdout(), stderr: console_.stderr() })).toBe(0);
    expect(console_.output().trim()).toBe('3');
  });

  it('with a backend that is not s3, or without AWS credentials for heartbeats, the command runs anyway and one line says why', async () => {
    const key = 'nocreds/terraform.tfstate';
    const dir = await dirFor(key, 3);
    // A local backend: no backend block at all.
    const local = fs.mkdtempSync(path.join(path.dirname(dir.dir), 'lockboard-local-'));
    fs.writeFileSync(path.join(local, 'main.tf'), 'resource "terraform_data" "x" {}\n');
    const env = dir.env;
    expect(spawnSync(tf!.path, ['init', '-input=false', '-no-color'], { cwd: local, env, encoding: 'utf8' }).status).toBe(0);
    const run = await startWrapped(local, env, ['terraform', 'apply', '-auto-approve', '-input=false', '-no-color']);
    groups.push(run.pid);
    expect((await run.exited).code, run.output()).toBe(0);
    expect(run.output().match(/^lockboard: .*$/gm)).toEqual(['lockboard: no heartbeat: no backend configuration in ' + path.join(local, '.terraform') + ' (not initialised yet, or a local backend)']);
    fs.rmSync(local, { recursive: true, force: true });

    // An s3 backend, but the job has no AWS credentials (Terraform has the backend's own keys).
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, AWS_SESSION_TOKEN: _t, ...noCreds } = dir.env;
    void [_a, _s, _t];
    const bare = await startWrapped(dir.dir, { ...noCreds, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' }, ['terraform', 'apply', '-auto-approve', '-input=false', '-no-color']);
    groups.push(bare.pid);
    expect((await bare.exited).code, bare.output()).toBe(0);
    const lines = bare.output().match(/^lockboard: .*$/gm) ?? [];
    expect(lines, lines.join("\n")).toHaveLength(1);
    expect(lines[0]).toMatch(/^lockboard: no heartbeat: not allowed \(CredentialsProviderError: .*\); the command runs without one$/);
    expect(bare.output()).toContain('Apply complete!');
  });

  for (const how of ['the group (as a terminal Ctrl-C does)', 'the wrapper alone'] as const) {
    it(`SIGINT to ${how} reaches Terraform once: it stops gracefully and releases its lock`, async () => {
      const key = `sigint-${how === 'the wrapper alone' ? 'one' : 'group'}/terraform.tfstate`;
      const dir = await dirFor(key, 60);
      const beatsBefore = await heartbeats();
      const run = await wrapped(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
      const deadline = Date.now() + 30_000;
      while ((await lockAt(key))?.liveness?.state !== 'alive' && Date.now() < deadline) await sleep(200);
      expect((await lockAt(key))?.liveness?.state, run.output()).toBe('alive');
      process.kill(how === 'the wrapper alone' ? run.pid : -run.pid, 'SIGINT');
      const exit = await run.exited;
      expect(run.output()).toContain('Interrupt received');
      expect(run.output()).not.toContain('Two interrupts received');
      // Terraform exits 1 after a graceful stop, its lock released, the heartbeat deleted.
      expect(exit.code, run.output()).toBe(1);
      expect(await heldInAws(key)).toBe(false);
      expect(await heartbeats()).toEqual(beatsBefore);
    });
  }

  it('50 races with a live holder (short applies, slow applies, the wrapper alone killed): 0 called dead, 0 released', async () => {
    useBackends([{ id: 'live', bucket, dynamodbTable: table, useLockfile: true }], { watchIntervalSeconds: 0, liveness: { ...LIVENESS, autoRelease: [{ backends: ['*'], keys: ['**'], afterMinutes: 0 }] } });
    const beatsBefore = await heartbeats();
    const lanes = 5;
    const rounds = 10;
    const laneDirs = await Promise.all(Array.from({ length: lanes }, (_, i) => dirFor(`race/${i}/terraform.tfstate`)));
    let stop = false;
    let dead = 0;
    let reads = 0;
    const watcher = (async () => {
      while (!stop) {
        const all = await locks();
        reads++;
        dead += all.filter((l) => l.liveness?.state === 'dead').length;
        await autoReleasePass();
        await sleep(250);
      }
    })();
    const kinds = { short: 0, slow: 0, wrapperKilled: 0 };
    const failures: string[] = [];
    await Promise.all(
      laneDirs.map(async (dir, lane) => {
        for (let round = 0; round < rounds; round++) {
          const kind = (['short', 'slow', 'wrapperKilled'] as const)[(lane + round) % 3]!;
          kinds[kind]++;
          dir.writeConfig({ sleepSeconds: kind === 'short' ? 0 : 4 });
          const run = await wrapped(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
          if (kind === 'wrapperKilled') {
            // Kill the wrapper alone once Terraform is applying; Terraform and the helper go on.
            const until = Date.now() + 60_000;
            while (!/Provisioning with 'local-exec'/.test(run.output()) && Date.now() < until) await sleep(100);
            const terraformPid = childrenOf(run.pid).find((p) => fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith(tf!.path) || fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('terraform'));
            try {
              process.kill(run.pid, 'SIGKILL');
            } catch {
              failures.push(`wrapperKilled lane ${lane}: the wrapper had already exited\n${run.output().slice(-800)}`);
            }
            await run.exited;
            // Terraform goes on to the end (now orphaned): wait for it.
            while (terraformPid && fs.existsSync(`/proc/${terraformPid}`) && !/^\d+ \([^)]*\) Z/.test(fs.readFileSync(`/proc/${terraformPid}/stat`, 'utf8'))) await sleep(200);
          } else {
            const exit = await run.exited;
            if (exit.code !== 0) failures.push(`${kind} lane ${lane} round ${round}: exit ${exit.code ?? exit.signal}\n${outputTail({ stdout: run.stdout(), stderr: run.stderr() })}`);
          }
          // The next round starts once this one's lock is gone (an orphaned Terraform releases it as it ends).
          const released = Date.now() + 60_000;
          while ((await heldInAws(`race/${lane}/terraform.tfstate`)) && Date.now() < released) await sleep(250);
        }
      }),
    );
    // Let the helpers of killed wrappers see their Terraform end and delete their heartbeats.
    await sleep(3000);
    stop = true;
    await watcher;
    const released = (await listAudit({ backend: 'live', user: 'lockboard:auto-release', limit: 100 })).records.filter((r) => r.key?.startsWith('race/'));
    console.log(`[liveness] races: ${JSON.stringify(kinds)}; ${reads} reads of GET /locks; dead ${dead}; auto-released ${released.length}`);
    expect(failures).toEqual([]);
    expect(kinds.short + kinds.slow + kinds.wrapperKilled).toBe(50);
    expect(dead).toBe(0);
    expect(released).toEqual([]);
    for (let i = 0; i < lanes; i++) expect(await heldInAws(`race/${i}/terraform.tfstate`)).toBe(false);
    expect(await heartbeats()).toEqual(beatsBefore);
    useBackends([{ id: 'live', bucket, dynamodbTable: table, useLockfile: true }], { watchIntervalSeconds: 0, liveness: LIVENESS });
  }, 300_000);
});
