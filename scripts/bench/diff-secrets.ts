/**
 * Section 5b: the secret-heavy diff of the attack review (issue 21 item 2) through the built app,
 * with its own moto: two versions of a 14 MiB state holding 2,000 TLS private keys (20 rotated),
 * diffed once alone and twice at once while `/api/health` is asked every 100 ms, and a state nested
 * 100,000 deep. Reports time, the server's peak RSS (its worker threads included), the slowest
 * health answer (and, for scale, the slowest one idle), whether any private key reached the
 * response, and the deep state's answer. Before the bound: 97 s and 3.97 GB for one such diff,
 * health unanswered for 60 s, two at once "JavaScript heap out of memory".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../lib/app-process';
import { awsEnv, startMoto } from '../lib/moto';
import { TerraformWriter, stateDocument } from '../lib/terraform-writer';
import { tlsKeyInstance, tlsState } from '../lib/tls-state';
import { sleep } from '../lib/wait';
import { log, met, peakRssMiB } from './common';
import type { OwnMotoSection } from './section';

const KEYS = Number(process.env.BENCH_TLS_KEYS ?? 2000);
const ROTATED = 20;
const KEY = 'tls/terraform.tfstate';
const DEEP_KEY = 'deep/terraform.tfstate';
const LINEAGE = 'd1e2f3a4-0000-4000-8000-00000000c0de';

export interface SecretDiffResult {
  keys: number;
  sizesMiB: number[];
  /** One diff alone. */
  ms: number;
  status: number;
  peakRssMiB: number;
  idleRssMiB: number;
  /** The slowest `/api/health` answer while the diff ran (asked every 100 ms), and over 3 s idle before. */
  healthWorstMs: number;
  healthIdleWorstMs: number;
  secretLeaked: boolean;
  changed: number | null;
  /** Two more diffs of other pairs at once (status 0: the server did not answer at all). */
  twoAtOnce: { statuses: number[]; ms: number; peakRssMiB: number; healthWorstMs: number };
  /** The state nested 100,000 deep. */
  deep: { status: number; code: string | null; reason: string | null };
}

/** Status and body of a GET; status 0 when the server did not answer (it died). */
async function get(url: string): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url);
    return { status: res.status, text: await res.text() };
  } catch (e) {
    return { status: 0, text: String(e) };
  }
}

/** Runs `work` while asking /api/health every 100 ms; the slowest answer (a hung one counts until the work ends). */
async function whileWatchingHealth<T>(base: string, work: () => Promise<T>): Promise<{ value: T; ms: number; healthWorstMs: number }> {
  let done = false;
  let worst = 0;
  const watcher = (async () => {
    while (!done) {
      const t = performance.now();
      await fetch(`${base}/api/health`).then((r) => r.arrayBuffer()).catch(() => undefined);
      worst = Math.max(worst, performance.now() - t);
      await sleep(100);
    }
  })();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  done = true;
  await watcher;
  return { value, ms, healthWorstMs: Math.round(worst) };
}

/** A line from the middle of every private key of the rotated instances (old and new): any leak shows one. */
function privateKeyLines(): string[] {
  const lines: string[] = [];
  for (const seed of ['base', 'rotated-2', 'rotated-3']) {
    for (let i = 0; i < ROTATED; i++) {
      const a = tlsKeyInstance(seed, i).attributes as Record<string, string>;
      for (const k of ['private_key_pem', 'private_key_openssh', 'private_key_pem_pkcs8']) lines.push(a[k]!.split('\n')[5]!);
    }
  }
  return lines;
}

/** Both versions nest 100,000 deep and differ at the bottom: the walk has to descend (it overflowed the stack: 500). */
function nestedState(serial: number): string {
  const nested = `${'['.repeat(100_000)}${serial}${']'.repeat(100_000)}`;
  return stateDocument({ serial, lineage: LINEAGE }).replace('"resources": []', `"resources": [{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"attributes":{"x":${nested}}}]}]`);
}

async function run(distDir: string): Promise<SecretDiffResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-bench-diff-secrets-'));
  const moto = await startMoto();
  const env = awsEnv(moto.endpoint);
  Object.assign(process.env, env);
  const w = new TerraformWriter({ endpoint: moto.endpoint });
  try {
    const bucket = 'bench-tls';
    await w.createBucket(bucket);
    const texts = [1, 2, 3].map((serial) => tlsState({ count: KEYS, serial, lineage: LINEAGE, rotated: serial === 1 ? 0 : ROTATED }));
    const versions: string[] = [];
    for (const t of texts) versions.push((await w.putStateMultipart(bucket, KEY, t)).versionId!);
    const deep = [(await w.putState(bucket, DEEP_KEY, nestedState(1))).versionId!, (await w.putState(bucket, DEEP_KEY, nestedState(2))).versionId!];
    log(`(5b) secret-heavy diff: 3 versions of ${(texts[0]!.length / 2 ** 20).toFixed(1)} MiB (${KEYS} TLS keys, ${ROTATED} rotated each) and a state nested 100,000 deep`);
    const configFile = path.join(tmp, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify({ backends: [{ id: 'tls', region: 'us-east-1', bucket, forcePathStyle: true }], watchIntervalSeconds: 0 }));
    const app = await startApp({ distDir, env: { ...env, LOCKBOARD_CONFIG: configFile }, name: 'the app (diff-secrets)' });
    try {
      const diffUrl = (key: string, from: string, to: string) => `${app.base}/api/backends/tls/diff?${new URLSearchParams({ key, from, to })}`;
      // The deep state first: its answer also loads the route (a cold start is not the diff's cost).
      const deepRes = await get(diffUrl(DEEP_KEY, deep[0]!, deep[1]!));
      const deepBody = (deepRes.status === 0 ? {} : (JSON.parse(deepRes.text) as unknown)) as { error?: { code?: string; reason?: string } };
      const idle = await whileWatchingHealth(app.base, () => sleep(3000));
      const idleRssMiB = peakRssMiB(app.child.pid!);
      const one = await whileWatchingHealth(app.base, () => get(diffUrl(KEY, versions[0]!, versions[1]!)));
      const peakOne = peakRssMiB(app.child.pid!);
      const body = (one.value.status === 200 ? JSON.parse(one.value.text) : {}) as { summary?: { resources?: { changed?: number } } };
      const two = await whileWatchingHealth(app.base, () => Promise.all([diffUrl(KEY, versions[1]!, versions[2]!), diffUrl(KEY, versions[0]!, versions[2]!)].map(async (u) => (await get(u)).status)));
      return {
        keys: KEYS,
        sizesMiB: texts.slice(0, 2).map((t) => Math.round((t.length / 2 ** 20) * 10) / 10),
        ms: Math.round(one.ms),
        status: one.value.status,
        peakRssMiB: peakOne,
        idleRssMiB,
        healthWorstMs: one.healthWorstMs,
        healthIdleWorstMs: idle.healthWorstMs,
        secretLeaked: privateKeyLines().some((line) => one.value.text.includes(line)),
        changed: body.summary?.resources?.changed ?? null,
        twoAtOnce: { statuses: two.value, ms: Math.round(two.ms), peakRssMiB: peakRssMiB(app.child.pid!), healthWorstMs: two.healthWorstMs },
        deep: { status: deepRes.status, code: deepBody.error?.code ?? null, reason: deepBody.error?.reason ?? null },
      };
    } finally {
      await app.stop();
    }
  } finally {
    w.s3.destroy();
    w.ddb.destroy();
    await moto.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export const diffSecretsSection: OwnMotoSection<SecretDiffResult> = {
  name: 'diff-secrets',
  key: 'diffSecrets',
  ownMoto: true,
  run,
  rows(r) {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return [
      ['5b', `diff of ${r.sizesMiB.join(' + ')} MiB with ${r.keys} TLS private keys`, `${s(r.ms)}, peak RSS ${r.peakRssMiB} MiB`, '', `/api/health ≤ ${r.healthWorstMs} ms meanwhile (idle: ${r.healthIdleWorstMs} ms); secret leaked: ${r.secretLeaked}`, '< 5 s, < 600 MB', met(r.status === 200 && r.ms < 5000 && r.peakRssMiB < 600 && !r.secretLeaked)],
      ['5b', 'two such diffs at once', `${r.twoAtOnce.statuses.join(', ')} in ${s(r.twoAtOnce.ms)}, peak RSS ${r.twoAtOnce.peakRssMiB} MiB`, '', `/api/health ≤ ${r.twoAtOnce.healthWorstMs} ms meanwhile`, 'both 200, < 1 GB', met(r.twoAtOnce.statuses.every((x) => x === 200) && r.twoAtOnce.peakRssMiB < 1024)],
      ['5b', 'diff of a state nested 100,000 deep', `${r.deep.status} ${r.deep.code ?? ''} ${r.deep.reason ?? ''}`.trim(), '', '', '422, not 500', met(r.deep.status === 422)],
    ];
  },
};
