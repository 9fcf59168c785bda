/**
 * Section "discovery" (`npm run bench -- discovery`, also part of the full bench): discovery across
 * an organisation on its own moto: 50 member accounts + the management account, 2 regions, real
 * backends and decoys (lib/testing/discovery-org.ts); two accounts without the role (the fault proxy
 * answers their AssumeRole with AccessDenied, as AWS does). The built app starts with a `discovery`
 * block and runs discovery at start-up; measured from the outside through `GET /api/estate`: the
 * run's time, exactly which backends and unreadable accounts it found, the AWS requests per account
 * (the app's own count) and by operation (`lockboard_aws_calls_total{origin="discovery"}`), and the
 * latency of live reads of a configured backend while discovery runs against after it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EstateResponse } from '../../lib/api/estate';
import { buildEstate } from '../../lib/testing/discovery-org';
import { startApp } from '../lib/app-process';
import { startAwsFaultProxy } from '../lib/aws-fault-proxy';
import { awsEnv, startMoto } from '../lib/moto';
import { TerraformWriter } from '../lib/terraform-writer';
import { sleep } from '../lib/wait';
import { appMetrics, fmtCalls } from './app-metrics';
import { getJson, log, met, percentile, pollAsViewers } from './common';
import type { OwnMotoSection } from './section';

const ACCOUNTS = Number(process.env.BENCH_DISCOVERY_ACCOUNTS ?? 50);
const TARGET_MS = 120_000;
const MAX_CALLS = 300;

export interface DiscoveryResult {
  accounts: number;
  regions: number;
  runMs: number;
  calls: number;
  callsByOperation: Record<string, number>;
  callsPerAccount: { mean: number; max: number; min: number };
  backendsFound: number;
  backendsExpected: number;
  exact: boolean;
  unreadable: number;
  unreadableExpected: number;
  unreadableWithFix: boolean;
  live: { duringP50: number; duringP95: number; duringCount: number; afterP50: number; afterP95: number; failures: number };
}

async function runDiscoverySection(distDir: string): Promise<DiscoveryResult> {
  const moto = await startMoto();
  Object.assign(process.env, awsEnv(moto.endpoint));
  const proxy = await startAwsFaultProxy(moto.endpoint);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-bench-discovery-'));
  try {
    const run = `bd${Date.now().toString(36)}`;
    log(`discovery: building an organisation of ${ACCOUNTS} accounts in 2 regions with decoys`);
    const fixture = await buildEstate(moto.endpoint, run, ACCOUNTS);
    for (const id of fixture.withoutRole) proxy.denyRole(`arn:aws:iam::${id}:role/lockboard-discovery`);
    const w = new TerraformWriter({ endpoint: moto.endpoint });
    await w.createBucket(`${run}-audit`);
    w.destroy();
    const config = path.join(tmp, 'config.json');
    const configured = { id: 'configured', region: 'us-east-1', bucket: `${run}-5-a`, dynamodbTable: 'tf-locks', forcePathStyle: true, roleArn: `arn:aws:iam::${fixture.accounts[5]}:role/lockboard-discovery` };
    fs.writeFileSync(config, JSON.stringify({ backends: [configured], auditBucket: `${run}-audit`, pollIntervalSeconds: 1, watchIntervalSeconds: 1, discovery: { regions: fixture.regions, endpoint: proxy.endpoint, forcePathStyle: true, maxCallsPerAccount: MAX_CALLS } }));

    const app = await startApp({ distDir, env: { ...awsEnv(moto.endpoint), LOCKBOARD_CONFIG: config } });
    try {
      const estateUrl = `${app.base}/api/estate`;
      let estate = (await getJson(estateUrl)) as EstateResponse;
      // Live reads of the configured backend while the first run goes, then for 10 s after it.
      const locksUrl = `${app.base}/api/backends/configured/locks`;
      let finished = false;
      const during = pollAsViewers(locksUrl, 2, 250, () => finished);
      const deadline = Date.now() + TARGET_MS * 2;
      while (estate.progress.state !== 'idle' && Date.now() < deadline) {
        await sleep(500);
        estate = (await getJson(estateUrl)) as EstateResponse;
      }
      finished = true;
      const polled = await during;
      const runMs = estate.progress.durationMs ?? NaN;
      log(`discovery: first run ${runMs} ms, ${estate.progress.calls} requests`);
      const after = await pollAsViewers(locksUrl, 2, 250, Date.now() + 10_000);

      const metrics = await appMetrics(app.base);
      const found = estate.accounts
        .flatMap((a) => a.backends)
        .filter((b) => b.accountId !== null)
        .map((b) => `${b.accountId}/${b.region}/${b.bucket}/${b.dynamodbTable ?? '-'}`)
        .sort();
      const expected = fixture.expected.map((b) => `${b.accountId}/${b.region}/${b.bucket}/${b.dynamodbTable ?? '-'}`).sort();
      const readable = estate.accounts.filter((a) => a.id !== '' && a.outcome !== 'unreadable');
      const unreadable = estate.accounts.filter((a) => a.outcome === 'unreadable');
      const calls = readable.map((a) => a.calls);
      return {
        accounts: estate.accountCount,
        regions: fixture.regions.length,
        runMs,
        calls: estate.progress.calls,
        callsByOperation: metrics.byOrigin.discovery ?? {},
        callsPerAccount: { mean: calls.reduce((s, n) => s + n, 0) / calls.length, max: Math.max(...calls), min: Math.min(...calls) },
        backendsFound: found.length,
        backendsExpected: expected.length,
        exact: JSON.stringify(found) === JSON.stringify(expected),
        unreadable: unreadable.length,
        unreadableExpected: fixture.withoutRole.length,
        unreadableWithFix: unreadable.every((a) => a.findings.some((f) => f.code === 'account_unreadable' && f.fix.includes('discovery-role.yaml'))),
        live: {
          duringP50: percentile(polled.latencies, 50),
          duringP95: percentile(polled.latencies, 95),
          duringCount: polled.latencies.length,
          afterP50: percentile(after.latencies, 50),
          afterP95: percentile(after.latencies, 95),
          failures: polled.failures + after.failures,
        },
      };
    } finally {
      await app.stop();
    }
  } finally {
    await proxy.close();
    await moto.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function discoveryRows(r: DiscoveryResult): string[][] {
  const s = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;
  return [
    ['D', `discovery: ${r.accounts} accounts × ${r.regions} regions, first run`, s(r.runMs), '', `${r.calls} AWS requests: ${fmtCalls(r.callsByOperation)}`, '< 120 s', met(r.runMs < TARGET_MS)],
    ['D', 'backends found = the real ones (decoys left out)', `${r.backendsFound} found`, `${r.backendsExpected} real`, r.exact ? 'exactly those' : 'DIFFERENT', 'exactly', met(r.exact)],
    ['D', 'unreadable accounts listed with reason and fix', `${r.unreadable}`, `${r.unreadableExpected}`, r.unreadableWithFix ? 'each with the role to deploy' : 'a fix is missing', 'all', met(r.unreadable === r.unreadableExpected && r.unreadableWithFix)],
    ['D', 'AWS requests per readable account', `mean ${r.callsPerAccount.mean.toFixed(1)}, max ${r.callsPerAccount.max}`, '', `min ${r.callsPerAccount.min}`, `≤ ${MAX_CALLS} (maxCallsPerAccount)`, met(r.callsPerAccount.max <= MAX_CALLS)],
    [
      'D',
      'live GET /locks during discovery (p50 / p95)',
      `${r.live.duringP50.toFixed(0)} / ${r.live.duringP95.toFixed(0)} ms`,
      `${r.live.afterP50.toFixed(0)} / ${r.live.afterP95.toFixed(0)} ms after`,
      `${r.live.duringCount} reads during, ${r.live.failures} failed`,
      'no failure',
      met(r.live.failures === 0),
    ],
  ];
}

export const discoverySection: OwnMotoSection<DiscoveryResult> = {
  name: 'discovery',
  key: 'discovery',
  ownMoto: true,
  run: runDiscoverySection,
  rows: discoveryRows,
};
