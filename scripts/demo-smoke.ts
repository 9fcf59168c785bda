/**
 * `node --import tsx scripts/demo-smoke.ts` (a step of `npm test`): runs `npm run demo`'s script as a
 * user would and checks what it shows:
 * - its terminal: only the demo's own `[demo]` lines (the dashboard's JSON log goes to the app log
 *   file it names), the URL;
 * - the dead run: its locks form one group by the locks page's rule (`groupLocks`) in what
 *   `GET /api/backends/prod/locks` returns;
 * - alerting: the local webhook receiver got a signed `lock.stale`;
 * - the audit trail: a force-unlock through the API is audited; when the local AWS server (moto) is
 *   killed, a clear line, a restart on the same port with its data, after which the audit record is
 *   still listed and the released lock is still released (the backends were not seeded again);
 * - Ctrl-C (SIGINT) stops it with status 0 and removes its temp dir.
 * Builds first when the build is missing or stale, so that the demo itself does not.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { groupLocks, type GroupableLock } from '../lib/terraform/lock-groups';
import { DEAD_RUN } from './demo/seed';
import { freePort } from './lib/moto';
import { QUIET_ENV, buildIsStale, nextBuild } from './lib/next-build';
import { pollUntil, sleep } from './lib/wait';

const root = path.resolve(__dirname, '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';
const log = (msg: string) => console.log(`[demo-smoke] ${msg}`);

/** A lock as `GET /api/backends/{id}/locks` lists it (the fields grouping reads, and what a force-unlock sends back). */
type ListedLock = Omit<GroupableLock, 'backendId'> & { seen: unknown };

/** Pids of the processes whose command line has `moto` and `-p <port>`. */
function motoPids(port: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const p = args.indexOf('-p');
        return args.some((a) => a.includes('moto')) && p >= 0 && args[p + 1] === String(port);
      } catch {
        return false; // gone
      }
    })
    .map(Number);
}

async function locksOf(url: string): Promise<{ status: number; locks: ListedLock[] }> {
  const res = await fetch(`${url}/api/backends/prod/locks`, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok) return { status: res.status, locks: [] };
  return { status: res.status, locks: ((await res.json()) as { locks?: ListedLock[] }).locks ?? [] };
}

/** The locks of Production once it answers (after a moto restart the first reads may still fail). */
function readLocks(url: string, what: string): Promise<ListedLock[]> {
  return pollUntil(
    async () => {
      const { status, locks } = await locksOf(url);
      return status === 200 && locks;
    },
    { timeoutMs: 60_000, intervalMs: 1_000, what },
  );
}

/** The dead run's group, by the rule the locks page groups with. */
function deadRunGroup(locks: ListedLock[]) {
  return groupLocks(locks.map((l) => ({ ...l, backendId: 'prod' }))).find((g) => g.who === DEAD_RUN.holder.who && g.operation === DEAD_RUN.holder.operation);
}

/** Force-unlock as the dashboard does: the lock as listed, a reason; returns the audit record id. */
async function forceUnlock(url: string, lock: ListedLock): Promise<string> {
  const res = await fetch(`${url}/api/backends/prod/unlock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ key: lock.key, id: lock.id, reason: 'demo smoke: the release pipeline was killed', seen: lock.seen }),
  });
  const body = (await res.json()) as { unlocked?: boolean; auditId?: string };
  if (res.status !== 200 || body.unlocked !== true || !body.auditId) throw new Error(`force-unlock of ${lock.key} answered ${res.status}: ${JSON.stringify(body)}`);
  return body.auditId;
}

/** The audit record with this id, once listed. */
const auditRecord = (url: string, id: string, what: string) =>
  pollUntil(
    async () => {
      const res = await fetch(`${url}/api/audit?backend=prod&id=${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(15_000) });
      if (!res.ok) return null;
      return ((await res.json()) as { records: Array<{ id: string; outcome: string; action: string; key: string | null }> }).records.find((r) => r.id === id && r.outcome !== 'pending');
    },
    { timeoutMs: 60_000, intervalMs: 1_000, what },
  );

async function main(): Promise<void> {
  const stale = buildIsStale(distDir);
  if (stale) {
    log(`building into ${distDir} (${stale})`);
    if (nextBuild(distDir, { ...process.env, LOCKBOARD_SKIP_BUILD_TYPECHECK: process.env.LOCKBOARD_SKIP_BUILD_TYPECHECK ?? '1' }) !== 0) throw new Error('next build failed');
  }
  const port = await freePort();
  const demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: root,
    env: { ...process.env, ...QUIET_ENV, PORT: String(port), LOCKBOARD_DIST_DIR: distDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  demo.stdout!.setEncoding('utf8').on('data', (d: string) => (out.stdout += d));
  demo.stderr!.setEncoding('utf8').on('data', (d: string) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
  const terminal = () => `--- stdout ---\n${out.stdout}\n--- stderr ---\n${out.stderr}`;
  /** Resolves with the match once the terminal output matches `re`; throws if the demo ends first or after timeoutMs. */
  const waitFor = async (re: RegExp, what: string, timeoutMs: number): Promise<RegExpExecArray> => {
    const check = async () => {
      if (demo.exitCode !== null) throw new Error(`the demo exited (${demo.exitCode}) before ${what}`);
      return re.exec(out.stdout + out.stderr);
    };
    try {
      return await pollUntil(check, { timeoutMs, intervalMs: 200, what });
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}:\n${terminal()}`);
    }
  };

  try {
    const appLog = (await waitFor(/^\[demo\] app log: (\S+)/m, 'app log line', 10_000))[1]!;
    const motoPort = Number((await waitFor(/^\[demo\] moto server on http:\/\/127\.0\.0\.1:(\d+)/m, 'moto line', 60_000))[1]);
    const url = (await waitFor(/^\[demo\] Lockboard is running: (http:\/\/\S+)/m, 'running line', 120_000))[1]!;
    const before = await readLocks(url, 'the seeded locks');
    if (!before.some((l) => l.key === 'app/terraform.tfstate')) throw new Error(`the seeded locks are not listed: ${before.map((l) => l.key).join(', ')}`);
    log(`demo running at ${url}; ${before.length} locks in Production; app log ${appLog}`);

    const group = deadRunGroup(before);
    const spanMs = group ? Date.parse(group.lastCreated) - Date.parse(group.firstCreated) : NaN;
    if (!group || group.count !== DEAD_RUN.keys.length || !(spanMs < 60_000) || (group.newestAgeSeconds ?? 0) < 3_600) {
      throw new Error(`no group of ${DEAD_RUN.keys.length} locks by ${DEAD_RUN.holder.who} created within a minute, hours ago: ${JSON.stringify(group && { count: group.count, spanMs, ages: [group.newestAgeSeconds, group.oldestAgeSeconds] })}`);
    }
    log(`dead run: one group of ${group.count} locks by ${group.who} (${group.operation}), created ${spanMs / 1000} s apart, ${Math.round(group.newestAgeSeconds! / 3600)} h old`);

    const delivery = await waitFor(/^\[demo\] webhook received lock\.stale[^:]*: (.*), signature verified$/m, 'a signed lock.stale at the webhook receiver', 90_000);
    log(`the webhook receiver got a signed lock.stale (${delivery[1]})`);

    const released = group.locks[group.locks.length - 1]!;
    const auditId = await forceUnlock(url, released as ListedLock);
    const record = await auditRecord(url, auditId, 'the force-unlock audit record');
    if (record.outcome !== 'succeeded' || record.key !== released.key) throw new Error(`the audit record of the force-unlock: ${JSON.stringify(record)}`);
    log(`force-unlocked ${released.key}: audit record ${auditId} (${record.action}, ${record.outcome})`);

    const pids = motoPids(motoPort);
    if (pids.length === 0) throw new Error(`no moto process on port ${motoPort}`);
    // Its writes reach the log as they arrive; a moment for the last one's answer to be sent.
    await sleep(500);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await waitFor(/^\[demo\] the local AWS server \(moto\) stopped \(killed by SIGKILL\); the dashboard now shows backends as unreachable — restarting it with its data \(\d+ writes to replay/m, 'moto stopped line', 15_000);
    const restarted = await waitFor(/^\[demo\] moto restarted on http:\/\/127\.0\.0\.1:(\d+) with its data: (\d+) writes replayed/m, 'moto restarted line', 120_000);
    if (Number(restarted[1]) !== motoPort) throw new Error(`moto came back on port ${restarted[1]}, not ${motoPort}`);
    const after = await readLocks(url, 'the locks after the restart');
    if (!after.some((l) => l.key === 'app/terraform.tfstate')) throw new Error(`after the restart the seeded locks are not listed: ${after.map((l) => l.key).join(', ')}`);
    if (after.some((l) => l.key === released.key)) throw new Error(`after the restart ${released.key} is locked again: moto's data was re-seeded, not kept`);
    if (deadRunGroup(after)?.count !== DEAD_RUN.keys.length - 1) throw new Error(`after the restart the dead run's other locks are not all listed: ${JSON.stringify(deadRunGroup(after)?.paths)}`);
    const kept = await auditRecord(url, auditId, 'the audit record after the restart');
    if (kept.outcome !== 'succeeded') throw new Error(`after the restart the audit record reads ${JSON.stringify(kept)}`);
    log(`moto killed and restarted on port ${motoPort} with ${restarted[2]} writes replayed: ${after.length} locks, ${released.key} still released, audit record ${auditId} still listed`);

    // What the terminal showed: the demo's own lines only, no JSON log records.
    const lines = (out.stdout + out.stderr).split('\n').filter((l) => l.trim() !== '');
    const foreign = lines.filter((l) => !/^\[(demo|moto)\] /.test(l));
    if (foreign.length > 0) throw new Error(`the terminal shows lines that are not the demo's:\n${foreign.slice(0, 10).join('\n')}`);
    const appOutput = fs.readFileSync(appLog, 'utf8');
    if (!appOutput.includes('"msg":"configuration loaded"')) throw new Error(`the app log lacks the server's JSON log:\n${appOutput.slice(0, 2000)}`);
    log(`terminal: ${lines.length} lines, all the demo's own; the server's log (${appOutput.split('\n').length} lines) is in the app log`);

    demo.kill('SIGINT');
    const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout' as const)]);
    if (code !== 0) throw new Error(`Ctrl-C: the demo ended with ${code}:\n${terminal()}`);
    if (fs.existsSync(path.dirname(appLog))) throw new Error(`Ctrl-C left the demo's temp dir behind: ${path.dirname(appLog)}`);
    log('Ctrl-C stopped the demo (exit 0) and removed its temp dir');
  } finally {
    if (demo.exitCode === null) {
      demo.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (demo.exitCode === null) demo.kill('SIGKILL');
    }
  }
}

main().then(
  () => {
    log('passed');
    process.exit(0);
  },
  (e) => {
    console.error(`[demo-smoke] FAILED: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
