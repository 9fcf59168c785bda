/**
 * Inventory benchmark section (issue 16). Runs the real inventory service in its own Node process
 * (`--conditions=react-server`, so `server-only` modules load) against moto, so its peak RSS is the
 * indexer's own:
 *   1. first full index of BENCH_INV_STATES states (BENCH_INV_RESOURCES resources in all, some states
 *      sharing one content, two large states): downloads must equal the distinct contents;
 *   2. 50 states change: the next pass must read exactly those 50;
 *   3. a restarted process (empty memory) reuses the stored index: 0 state downloads;
 *   4. search p50/p95 over the whole index.
 * Started by the section (scripts/bench/inventory.ts, `npm run bench -- inventory`) with its own moto;
 * prints one JSON line `INVENTORY_RESULT {…}` for it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { clearCache } from '../../lib/server/cache';
import { awsCallCounts, resetAwsCallCounts } from '../../lib/server/metrics';
import { resetConfigForTests } from '../../lib/server/config';
import { resetClientsForTests } from '../../lib/aws/clients';
import { getInventory, refreshInventory, resetInventoriesForTests, searchInventories } from '../../lib/services/inventory';
import { TerraformWriter, stateDocument } from '../lib/terraform-writer';
import { awsEnv, startMoto } from '../lib/moto';
import { percentile, pool } from './common';

const STATES = Number(process.env.BENCH_INV_STATES ?? 5000);
const RESOURCES = Number(process.env.BENCH_INV_RESOURCES ?? 200_000);
const BIG_MB = Number(process.env.BENCH_INV_BIG_MB ?? 25);
const CHANGED = 50;
const SEARCH_RUNS = Number(process.env.BENCH_INV_SEARCH_RUNS ?? 30);
const log = (msg: string) => console.log(`[bench:inventory] ${msg}`);

const TYPES = ['aws_iam_role', 'aws_s3_bucket', 'aws_instance', 'aws_security_group', 'aws_lambda_function', 'google_compute_instance', 'random_id', 'aws_route53_record'];
const PROVIDERS: Record<string, string> = { aws: 'registry.terraform.io/hashicorp/aws', google: 'registry.terraform.io/hashicorp/google', random: 'registry.terraform.io/hashicorp/random' };
const TF = ['1.5.7', '1.6.6', '1.9.8', '1.11.4', '0.11.14'];

function vmHwmMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Math.round(process.memoryUsage().rss / 2 ** 20);
}

function stateBody(i: number, perState: number, serial: number): string {
  const resources = Array.from({ length: perState }, (_, j) => {
    const type = TYPES[(i + j) % TYPES.length]!;
    const provider = PROVIDERS[type.split('_')[0]!] ?? PROVIDERS.aws!;
    return {
      ...(j % 4 === 0 ? { module: `module.m${j % 7}["k ${i % 3}"]` } : {}),
      mode: j % 10 === 9 ? 'data' : 'managed',
      type,
      name: j === 0 ? 'deployer' : `r${j}`,
      provider: `provider["${provider}"]`,
      instances: [{ ...(j % 5 === 0 ? { index_key: j } : {}), schema_version: 0, attributes: { id: `${type}-${i}-${j}`, arn: `arn:aws:x::${i}:${j}`, password: `secret-${i}-${j}` }, sensitive_attributes: [] }],
    };
  });
  return stateDocument({ serial, lineage: `lineage-${i}`, terraformVersion: TF[i % TF.length]!, resources, outputs: { vpc_id: { value: `vpc-${i}`, type: 'string' }, [`out_${i % 50}`]: { value: 's', type: 'string', sensitive: true } } });
}

function bigBody(mb: number, n: number): string {
  const resources: unknown[] = [];
  let size = 0;
  for (let i = 0; size < mb * 2 ** 20; i++) {
    const r = { mode: 'managed', type: 'aws_s3_object', name: `o${i}`, provider: `provider["${PROVIDERS.aws}"]`, instances: [{ schema_version: 0, attributes: { id: `o${i}`, content: 'x'.repeat(2000) } }] };
    size += 2100;
    resources.push(r);
  }
  return stateDocument({ serial: n, lineage: `big-${n}`, terraformVersion: '1.11.4', resources });
}

function restart(): void {
  resetInventoriesForTests();
  clearCache();
  resetAwsCallCounts();
}

async function main() {
  const moto = await startMoto({ logFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-bench-inv-')), 'moto.log') });
  const endpoint = moto.endpoint;
  Object.assign(process.env, awsEnv(endpoint));
  const w = new TerraformWriter({ endpoint });
  const result: Record<string, unknown> = { cores: os.cpus().length, node: process.version, states: STATES };
  try {
    const bucket = `bench-inventory-${crypto.randomBytes(3).toString('hex')}`;
    await w.createBucket(bucket);
    // Every 10th state has the content of the one before it (copied workspaces): fewer distinct contents.
    const perState = Math.max(1, Math.floor(RESOURCES / STATES));
    const keys = Array.from({ length: STATES }, (_, i) => (i % 5 === 0 ? `env:/ws${i % 7}/svc${i}/terraform.tfstate` : `teams/t${i % 40}/svc${i}/terraform.tfstate`));
    const contentOf = (i: number) => (i % 10 === 9 ? i - 1 : i);
    const seedStart = performance.now();
    await pool(keys, 16, async (key, i) => {
      await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: stateBody(contentOf(i), perState, 1), ContentType: 'application/json' }));
    });
    const bigKeys = BIG_MB > 0 ? ['big/a/terraform.tfstate', 'big/b/terraform.tfstate'] : [];
    for (const [n, key] of bigKeys.entries()) await w.putState(bucket, key, bigBody(BIG_MB, n));
    const distinct = new Set(keys.map((_, i) => contentOf(i))).size + bigKeys.length;
    log(`seeded ${keys.length + bigKeys.length} states (${distinct} distinct contents, ${perState * STATES} small-state resources, ${bigKeys.length} × ${BIG_MB} MiB) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-bench-inv-')), 'config.json');
    fs.writeFileSync(configFile, JSON.stringify({ backends: [{ id: 'inv', bucket, region: 'us-east-1', endpoint, forcePathStyle: true }], cacheSeconds: 0 }));
    process.env.LOCKBOARD_CONFIG = configFile;
    resetConfigForTests();
    resetClientsForTests();
    restart();
    const rssBefore = vmHwmMiB();

    let t = performance.now();
    const first = await refreshInventory('inv');
    const firstMs = performance.now() - t;
    const firstCalls = awsCallCounts();
    result.first = { ms: Math.round(firstMs), downloads: first.downloads, distinctContents: distinct, stateObjects: keys.length + bigKeys.length, calls: firstCalls, writeError: first.writeError };
    log(`first index: ${(firstMs / 1000).toFixed(1)} s, ${first.downloads} downloads for ${distinct} distinct contents; calls ${JSON.stringify(firstCalls)}`);

    // 50 states change (a new serial each).
    const changed = keys.filter((_, i) => i % 10 !== 9 && i % 10 !== 8).slice(0, CHANGED);
    await pool(changed, 8, async (key) => {
      const i = keys.indexOf(key);
      await w.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: stateBody(i, perState, 2), ContentType: 'application/json' }));
    });
    clearCache();
    resetAwsCallCounts();
    const downloadsBefore = first.downloads;
    t = performance.now();
    const second = await refreshInventory('inv');
    const secondMs = performance.now() - t;
    result.second = { ms: Math.round(secondMs), changed: changed.length, downloads: second.downloads - downloadsBefore, reused: second.reused, calls: awsCallCounts() };
    log(`second pass after ${changed.length} changes: ${(secondMs / 1000).toFixed(1)} s, ${second.downloads - downloadsBefore} downloads`);

    const peakIndexing = vmHwmMiB();

    // A restart: nothing in memory, the stored index is read back.
    restart();
    t = performance.now();
    const third = await refreshInventory('inv');
    const thirdMs = performance.now() - t;
    result.restart = { ms: Math.round(thirdMs), downloads: third.downloads, reused: third.reused, storedIndex: third.storedIndex, calls: awsCallCounts() };
    log(`restart: ${(thirdMs / 1000).toFixed(1)} s, ${third.downloads} downloads, ${third.reused} reused (${third.storedIndex})`);

    const queries = ['aws_iam_role.deployer', 'type:aws_lambda_function', 'module:m3 type:aws_s3_bucket', 'provider:hashicorp/google', 'tf:<1.6', 'output:out_7', 'aws_instance.r*[5]', 'module.m0*.aws_*.r12', 'tf:~>1.9 type:random_id', 'nothing_matches_this.at_all'];
    const times: number[] = [];
    let resources = 0;
    for (let run = 0; run < SEARCH_RUNS; run++) {
      for (const q of queries) {
        const s = performance.now();
        const r = searchInventories(q);
        times.push(performance.now() - s);
        if (run === 0 && q === 'type:aws_lambda_function') log(`"${q}": ${r.total} states`);
      }
    }
    const indexed = getInventory('inv').states;
    resources = indexed.reduce((n, s) => n + (s.resourceCount ?? 0), 0);
    result.search = { queries: queries.length, runs: SEARCH_RUNS, p50ms: +percentile(times, 50).toFixed(2), p95ms: +percentile(times, 95).toFixed(2), maxMs: +Math.max(...times).toFixed(2), indexedStates: indexed.length, indexedResources: resources };
    result.peakRssMiB = { beforeIndexing: rssBefore, indexing: peakIndexing, end: vmHwmMiB() };
    log(`search p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms over ${times.length} queries; peak RSS ${peakIndexing} MiB`);
  } finally {
    w.destroy();
    await moto.stop();
  }
  console.log(`INVENTORY_RESULT ${JSON.stringify(result)}`);
}

main().catch((e) => {
  console.error('[bench:inventory] failed:', e);
  process.exit(1);
});
