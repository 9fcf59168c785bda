/**
 * Section 10, "liveness" (`npm run bench -- liveness`): `lockboard run` and the liveness rule at the
 * real values (a heartbeat every 15 s, alive within 45 s, dead after 2 min, the watcher every 10 s),
 * with the real Terraform CLI, read through the built app's GET /locks (the integration tests run the
 * same scenarios with short thresholds). Two runs at once:
 *  (a) a 90 s apply through the wrapper: how soon it is `alive`, and that it stays alive to the end;
 *  (b) an apply through the wrapper whose whole process group (wrapper, Terraform, helper) is killed,
 *      as when a CI runner dies: how long until GET /locks says `dead` (target: within 2.5 min), then
 *      until auto-release (on for that key, after 0 min) has released it, and whether the next
 *      `terraform plan` runs.
 * And what a heartbeat costs: the helper's AWS calls per minute while a lock is held.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../lib/app-process';
import { awsEnv, startMoto } from '../lib/moto';
import { TerraformDir, terraformInfo } from '../lib/terraform-cli';
import { TerraformWriter, uniqueName } from '../lib/terraform-writer';
import { sleep } from '../lib/wait';
import { buildCli, startWrapped } from '../../lib/testing/lockboard-run';
import { log, met } from './common';
import type { OwnMotoSection } from './section';

interface LockView {
  key: string;
  liveness?: { state: string };
}

export interface LivenessResult {
  terraform: string | null;
  intervalSeconds: number;
  aliveWithinSeconds: number;
  deadAfterSeconds: number;
  /** (a) from the lock first listed to first `alive` (s), and reads not alive after that. */
  firstAliveSeconds: number | null;
  notAliveAfterFirst: number;
  slowReads: number;
  /** (b) from the kill to GET /locks saying `dead` (s), then to the lock released by auto-release (s). */
  deadAfterKillSeconds: number | null;
  releasedAfterDeadSeconds: number | null;
  nextPlanExit: number | null;
  /** The helper's AWS calls per minute while holding a lock (lock reads + heartbeat writes). */
  helperCallsPerMinute: number | null;
}

const INTERVAL_S = 15;

export const livenessSection: OwnMotoSection<LivenessResult> = {
  name: 'liveness',
  key: 'liveness',
  ownMoto: true,
  async run(distDir) {
    const tf = terraformInfo();
    const result: LivenessResult = { terraform: tf?.version ?? null, intervalSeconds: INTERVAL_S, aliveWithinSeconds: 45, deadAfterSeconds: 120, firstAliveSeconds: null, notAliveAfterFirst: 0, slowReads: 0, deadAfterKillSeconds: null, releasedAfterDeadSeconds: null, nextPlanExit: null, helperCallsPerMinute: null };
    if (!tf) {
      log('liveness: terraform is not on PATH: skipped');
      return result;
    }
    // moto's dummy credentials for the writer, Terraform's CLI and the wrapper's helper (the default chain).
    for (const [k, v] of Object.entries({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' })) process.env[k] ??= v;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lockboard-bench-liveness-'));
    const moto = await startMoto({ logFile: path.join(tmp, 'moto.log') });
    const w = new TerraformWriter({ endpoint: moto.endpoint });
    const bucket = uniqueName('bench-live');
    const table = uniqueName('bench-live-table');
    const groups: number[] = [];
    const dirs: TerraformDir[] = [];
    try {
      await Promise.all([w.createBucket(bucket), w.createTable(table), buildCli()]);
      const config = path.join(tmp, 'config.json');
      fs.writeFileSync(config, JSON.stringify({ backends: [{ id: 'live', bucket, dynamodbTable: table, useLockfile: true, region: 'us-east-1', forcePathStyle: true }], liveness: { autoRelease: [{ backends: ['live'], keys: ['killed/**'], afterMinutes: 0 }] } }));
      const app = await startApp({ distDir, env: { ...awsEnv(moto.endpoint), LOCKBOARD_CONFIG: config }, logFile: path.join(tmp, 'app.log') });
      const locks = async (): Promise<LockView[]> => ((await (await fetch(`${app.base}/api/backends/live/locks`)).json()) as { locks: LockView[] }).locks;
      const dirFor = async (key: string, sleepSeconds: number) => {
        const dir = new TerraformDir({ endpoint: moto.endpoint, bucket, key, dynamodbTable: table, useLockfile: true, sleepSeconds });
        dirs.push(dir);
        await dir.init();
        return dir;
      };
      try {
        const [slowDir, killedDir] = await Promise.all([dirFor('slow/terraform.tfstate', 90), dirFor('killed/terraform.tfstate', 900)]);
        const helperLog = path.join(tmp, 'helper.log');
        const slow = await startWrapped(slowDir.dir, { ...slowDir.env, LOCKBOARD_HEARTBEAT_LOG: helperLog }, ['terraform', 'apply', '-auto-approve', '-input=false', '-no-color'], { interval: INTERVAL_S });
        const killed = await startWrapped(killedDir.dir, killedDir.env, ['terraform', 'apply', '-auto-approve', '-input=false', '-no-color'], { interval: INTERVAL_S });
        groups.push(slow.pid, killed.pid);
        let slowDone = false;
        void slow.exited.then(() => (slowDone = true));
        let firstListed: number | null = null;
        let firstAlive: number | null = null;
        let killedAt: number | null = null;
        let deadAt: number | null = null;
        let releasedAt: number | null = null;
        const started = Date.now();
        while ((!slowDone || releasedAt === null) && Date.now() - started < 8 * 60_000) {
          const all = await locks();
          const s = all.find((l) => l.key === 'slow/terraform.tfstate');
          if (s) {
            result.slowReads++;
            firstListed ??= Date.now();
            if (s.liveness?.state === 'alive') firstAlive ??= Date.now();
            else if (firstAlive !== null) result.notAliveAfterFirst++;
          }
          const k = all.find((l) => l.key === 'killed/terraform.tfstate');
          if (killedAt === null && k?.liveness?.state === 'alive') {
            // The runner dies: wrapper, Terraform, the helper and the provisioner at once.
            process.kill(-killed.pid, 'SIGKILL');
            killedAt = Date.now();
          }
          if (killedAt !== null && deadAt === null && k?.liveness?.state === 'dead') deadAt = Date.now();
          if (deadAt !== null && releasedAt === null && !k) releasedAt = Date.now();
          await sleep(2000);
        }
        result.firstAliveSeconds = firstListed !== null && firstAlive !== null ? (firstAlive - firstListed) / 1000 : null;
        result.deadAfterKillSeconds = killedAt !== null && deadAt !== null ? (deadAt - killedAt) / 1000 : null;
        result.releasedAfterDeadSeconds = deadAt !== null && releasedAt !== null ? (releasedAt - deadAt) / 1000 : null;
        if (releasedAt !== null) result.nextPlanExit = (await killedDir.plan(['-lock-timeout=0s'], { allowFailure: true })).code;
        // Calls while holding: one lock read and one heartbeat write per beat (the log has a line per beat).
        const lines = fs.existsSync(helperLog) ? fs.readFileSync(helperLog, 'utf8').split('\n') : [];
        const beats = lines.filter((l) => / beat /.test(l)).map((l) => Date.parse(l.slice(0, 24)));
        if (beats.length > 1) result.helperCallsPerMinute = ((beats.length - 1) * 2) / ((beats.at(-1)! - beats[0]!) / 60_000);
      } finally {
        await app.stop();
      }
    } finally {
      for (const g of groups) {
        try {
          process.kill(-g, 'SIGKILL');
        } catch {
          // gone
        }
      }
      dirs.forEach((d) => d.cleanup());
      w.destroy();
      await moto.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return result;
  },
  rows(r) {
    const s = (n: number | null, digits = 0) => (n === null ? '-' : `${n.toFixed(digits)} s`);
    return [
      ['10a', `90 s apply through lockboard run: alive from (beat every ${r.intervalSeconds} s)`, s(r.firstAliveSeconds, 1), '', `${r.notAliveAfterFirst} of ${r.slowReads} reads not alive after`, 'alive throughout', met(r.firstAliveSeconds !== null && r.notAliveAfterFirst === 0)],
      ['10b', 'wrapper + Terraform killed together: dead after', s(r.deadAfterKillSeconds, 1), '', `dead window ${r.deadAfterSeconds} s`, '<= 150 s', met(r.deadAfterKillSeconds !== null && r.deadAfterKillSeconds <= 150)],
      ['10c', 'auto-release (after 0 min): released after dead', s(r.releasedAfterDeadSeconds, 1), '', `next plan exit ${r.nextPlanExit ?? '-'}`, 'released, plan 0', met(r.releasedAfterDeadSeconds !== null && r.nextPlanExit === 0)],
      ['10d', 'heartbeat cost: helper AWS calls per minute while holding', r.helperCallsPerMinute === null ? '-' : r.helperCallsPerMinute.toFixed(1), '', 'one lock read + one PutObject per beat', '8', met(r.helperCallsPerMinute !== null && r.helperCallsPerMinute <= 9)],
    ];
  },
};
