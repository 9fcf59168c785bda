/**
 * The secret-heavy diff of the attack review (issue 21 item 2) through the BUILT app: two versions of
 * a 14 MiB state holding 2,000 TLS private keys (20 rotated), diffed once alone and twice at once,
 * while `/api/health` is asked every 100 ms; plus a state nested 100,000 deep. Reports time, peak
 * RSS of the server (its worker threads included), the slowest health answer, whether any private
 * key reached the response, and the deep state's answer.
 *
 * A section `npm run bench` can call (`runSecretDiffSection`, given its moto and a TerraformWriter),
 * or on its own: `node --import tsx scripts/bench-diff-secrets.ts` (builds into LOCKBOARD_DIST_DIR,
 * default .next-bench, unless BENCH_SKIP_BUILD=1 and a build exists).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type App } from './lib/bench-app';
import { awsEnv, startMoto } from './lib/moto';
import { hasBuild, nextBuild } from './lib/next-build';
import { processTree } from './lib/process-tree';
import { TerraformWriter, stateDocument } from './lib/terraform-writer';
import { tlsKeyInstance, tlsState } from './lib/tls-state';

const KEYS = Number(process.env.BENCH_TLS_KEYS ?? 2000);
const ROTATED = 20;
const KEY = 'tls/terraform.tfstate';
const DEEP_KEY = 'deep/terraform.tfstate';
const LINEAGE = 'd1e2f3a4-0000-4000-8000-00000000c0de';
const log = (msg: string) => console.log(`[bench:diff-secrets] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SecretDiffResult {
  keys: number;
  sizesMiB: number[];
  /** One diff alone, on a fresh server. */
  ms: number;
  status: number;
  peakRssMiB: number;
  idleRssMiB: number;
  /** The slowest `/api/health` answer while the diff ran (asked every 100 ms), and for 3 s idle before. */
  healthWorstMs: number;
  healthIdleWorstMs: number;
  healthChecks: number;
  secretLeaked: boolean;
  changed: number | null;
  /** Two more diffs of other pairs at once (the review's "two at once": heap out of memory). */
  twoAtOnce: { statuses: number[]; ms: number; peakRssMiB: number; healthWorstMs: number };
  /** The state nested 100,000 deep. */
  deep: { status: number; code: string | null; reason: string | null };
}

/** Peak resident memory (VmHWM, MiB) of a process and its descendants. */
function peakRssMiB(pid: number): number {
  let max = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) max = Math.max(max, Number(m[1]) / 1024);
    } catch {
      // process gone
    }
  }
  return Math.round(max);
}

/** Runs `work` while asking /api/health every 100 ms; the slowest answer (a hung health check counts until the work ends). */
async function whileWatchingHealth<T>(base: string, work: () => Promise<T>): Promise<{ value: T; ms: number; healthWorstMs: number; healthChecks: number }> {
  let done = false;
  let worst = 0;
  let checks = 0;
  const watcher = (async () => {
    while (!done) {
      const t = performance.now();
      await fetch(`${base}/api/health`).then((r) => r.arrayBuffer()).catch(() => undefined);
      worst = Math.max(worst, performance.now() - t);
      checks++;
      await sleep(100);
    }
  })();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  done = true;
  await watcher;
  return { value, ms, healthWorstMs: Math.round(worst), healthChecks: checks };
}

/** Status and body of a GET; status 0 when the server did not answer at all (it died). */
async function get(url: string): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url);
    return { status: res.status, text: await res.text() };
  } catch (e) {
    return { status: 0, text: String(e) };
  }
}

/** Every private key of the rotated instances and of the ones kept, as they appear in the states. */
function privateKeyBodies(): string[] {
  const bodies: string[] = [];
  for (const seed of ['base', 'rotated-2', 'rotated-3']) {
    for (let i = 0; i < ROTATED; i++) {
      const a = tlsKeyInstance(seed, i).attributes as Record<string, string>;
      // A line from the middle of each key: any leak of the key shows it.
      for (const k of ['private_key_pem', 'private_key_openssh', 'private_key_pem_pkcs8']) bodies.push(a[k]!.split('\n')[5]!);
    }
  }
  return bodies;
}

export async function runSecretDiffSection(opts: { distDir: string; endpoint: string; writer: TerraformWriter; tmp: string }): Promise<SecretDiffResult> {
  const { writer: w } = opts;
  const bucket = `bench-tls-${Date.now().toString(36)}`;
  await w.createBucket(bucket);
  const texts = [1, 2, 3].map((serial) => tlsState({ count: KEYS, serial, lineage: LINEAGE, rotated: serial === 1 ? 0 : ROTATED }));
  const versions: string[] = [];
  for (const t of texts) versions.push((await w.putStateMultipart(bucket, KEY, t)).versionId!);
  // Both versions nest 100,000 deep and differ at the bottom: the walk has to descend (it overflowed the stack: 500).
  const nested = (serial: number) => stateDocument({ serial, lineage: LINEAGE }).replace('"resources": []', `"resources": [{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"attributes":{"x":${'['.repeat(100_000)}${serial}${']'.repeat(100_000)}}}]}]`);
  const deep = [(await w.putState(bucket, DEEP_KEY, nested(1))).versionId!, (await w.putState(bucket, DEEP_KEY, nested(2))).versionId!];
  log(`seeded 3 versions of ${(texts[0]!.length / 2 ** 20).toFixed(1)} MiB (${KEYS} TLS keys, ${ROTATED} rotated per version) and a state nested 100,000 deep`);

  const configFile = path.join(opts.tmp, 'config-diff-secrets.json');
  fs.writeFileSync(configFile, JSON.stringify({ backends: [{ id: 'tls', region: 'us-east-1', bucket, forcePathStyle: true }], watchIntervalSeconds: 0 }));
  const app: App = await startApp(opts.distDir, configFile, opts.endpoint);
  try {
    const diffUrl = (key: string, from: string, to: string) => `${app.base}/api/backends/tls/diff?${new URLSearchParams({ key, from, to })}`;
    // The deep state first: its 422 also loads the route and starts a first worker (a cold start is not the diff's cost).
    const deepRes = await get(diffUrl(DEEP_KEY, deep[0]!, deep[1]!));
    const deepBody = (deepRes.status === 0 ? {} : (JSON.parse(deepRes.text) as unknown)) as { error?: { code?: string; reason?: string } };
    const idle = await whileWatchingHealth(app.base, () => sleep(3000));
    const idleRssMiB = peakRssMiB(app.child.pid!);
    const one = await whileWatchingHealth(app.base, () => get(diffUrl(KEY, versions[0]!, versions[1]!)));
    const peakOne = peakRssMiB(app.child.pid!);
    const body = (one.value.status === 200 ? JSON.parse(one.value.text) : {}) as { summary?: { resources?: { changed?: number } } };
    const secretLeaked = privateKeyBodies().some((b) => one.value.text.includes(b));

    const two = await whileWatchingHealth(app.base, () =>
      Promise.all([diffUrl(KEY, versions[1]!, versions[2]!), diffUrl(KEY, versions[0]!, versions[2]!)].map(async (u) => (await get(u)).status)),
    );
    return {
      keys: KEYS,
      sizesMiB: texts.slice(0, 2).map((t) => Math.round((t.length / 2 ** 20) * 10) / 10),
      ms: Math.round(one.ms),
      status: one.value.status,
      peakRssMiB: peakOne,
      idleRssMiB,
      healthWorstMs: one.healthWorstMs,
      healthIdleWorstMs: idle.healthWorstMs,
      healthChecks: one.healthChecks,
      secretLeaked,
      changed: body.summary?.resources?.changed ?? null,
      twoAtOnce: { statuses: two.value, ms: Math.round(two.ms), peakRssMiB: peakRssMiB(app.child.pid!), healthWorstMs: two.healthWorstMs },
      deep: { status: deepRes.status, code: deepBody.error?.code ?? null, reason: deepBody.error?.reason ?? null },
    };
  } finally {
    await app.stop();
  }
}

/** One row for the benchmark's table. */
export function secretDiffRow(r: SecretDiffResult): string[] {
  const ok = r.status === 200 && !r.secretLeaked && r.ms < 5000 && r.peakRssMiB < 600 && r.healthWorstMs < 500 && r.twoAtOnce.statuses.every((s) => s === 200) && r.deep.status === 422;
  return [
    '5b',
    `diff of ${r.sizesMiB.join(' + ')} MiB, ${r.keys} TLS keys`,
    `${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.peakRssMiB} MiB; /api/health ≤ ${r.healthWorstMs} ms (idle ${r.healthIdleWorstMs} ms)`,
    '',
    `two at once: ${r.twoAtOnce.statuses.join(',')} in ${(r.twoAtOnce.ms / 1000).toFixed(1)} s, peak ${r.twoAtOnce.peakRssMiB} MiB; nested 100,000 deep: ${r.deep.status} ${r.deep.code}; secret leaked: ${r.secretLeaked}`,
    '< 5 s, < 600 MB, health < 500 ms',
    ok ? 'yes' : 'NO',
  ];
}

async function main(): Promise<void> {
  const distDir = process.env.LOCKBOARD_DIST_DIR || '.next-bench';
  if (process.env.BENCH_SKIP_BUILD !== '1' || !hasBuild(distDir)) {
    log(`building into ${distDir}`);
    if (nextBuild(distDir, { ...process.env, LOCKBOARD_SKIP_BUILD_TYPECHECK: '1' }) !== 0) throw new Error('build failed');
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-bench-diff-'));
  const moto = await startMoto();
  Object.assign(process.env, awsEnv(moto.endpoint));
  const writer = new TerraformWriter({ endpoint: moto.endpoint });
  try {
    const r = await runSecretDiffSection({ distDir, endpoint: moto.endpoint, writer, tmp });
    console.log(JSON.stringify(r, null, 2));
    console.log(secretDiffRow(r).join(' | '));
  } finally {
    writer.s3.destroy();
    writer.ddb.destroy();
    await moto.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
