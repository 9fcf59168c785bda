/**
 * `node --import tsx scripts/demo-smoke.ts` (a step of `npm test`): runs `npm run demo`'s script as a
 * user would and checks what its terminal shows: only the demo's own `[demo]` lines (the dashboard's
 * JSON log goes to the app log file it names), the URL, and — when its local AWS server (moto) is
 * killed — a clear line, a restart on the same port and a re-seed, after which the dashboard reads
 * the backends again. Ctrl-C (SIGINT) then stops it with status 0. Builds first when the build is
 * missing or stale, so that the demo itself does not.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './lib/moto';
import { QUIET_ENV, buildIsStale, nextBuild } from './lib/next-build';

const root = path.resolve(__dirname, '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';
const log = (msg: string) => console.log(`[demo-smoke] ${msg}`);

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

async function locksOf(url: string): Promise<{ status: number; keys: string[] }> {
  const res = await fetch(`${url}/api/backends/prod/locks`, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok) return { status: res.status, keys: [] };
  const body = (await res.json()) as { locks?: Array<{ key?: string }> };
  return { status: res.status, keys: (body.locks ?? []).map((l) => l.key ?? '') };
}

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
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(out.stdout + out.stderr);
      if (m) return m;
      if (demo.exitCode !== null) throw new Error(`the demo exited (${demo.exitCode}) before ${what}:\n${terminal()}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s:\n${terminal()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  try {
    const appLog = (await waitFor(/^\[demo\] app log: (\S+)/m, 'app log line', 10_000))[1]!;
    const motoPort = Number((await waitFor(/^\[demo\] moto server on http:\/\/127\.0\.0\.1:(\d+)/m, 'moto line', 60_000))[1]);
    const url = (await waitFor(/^\[demo\] Lockboard is running: (http:\/\/\S+)/m, 'running line', 120_000))[1]!;
    const before = await locksOf(url);
    if (before.status !== 200 || !before.keys.includes('app/terraform.tfstate')) throw new Error(`the seeded locks are not listed: ${JSON.stringify(before)}`);
    log(`demo running at ${url}; ${before.keys.length} locks in Production; app log ${appLog}`);

    const pids = motoPids(motoPort);
    if (pids.length === 0) throw new Error(`no moto process on port ${motoPort}`);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await waitFor(/^\[demo\] the local AWS server \(moto\) stopped \(killed by SIGKILL\); the dashboard now shows backends as unreachable — restarting it$/m, 'moto stopped line', 15_000);
    await waitFor(/^\[demo\] moto restarted on http:\/\/127\.0\.0\.1:\d+ and re-seeded/m, 'moto restarted line', 90_000);
    const after = await locksOf(url);
    if (after.status !== 200 || !after.keys.includes('app/terraform.tfstate')) throw new Error(`after the restart the seeded locks are not listed: ${JSON.stringify(after)}`);
    log(`moto killed, restarted on port ${motoPort} and re-seeded: ${after.keys.length} locks listed again`);

    // What the terminal showed: the demo's own lines only, no JSON log records.
    const lines = (out.stdout + out.stderr).split('\n').filter((l) => l.trim() !== '');
    const foreign = lines.filter((l) => !/^\[(demo|moto)\] /.test(l));
    if (foreign.length > 0) throw new Error(`the terminal shows lines that are not the demo's:\n${foreign.slice(0, 10).join('\n')}`);
    const appOutput = fs.readFileSync(appLog, 'utf8');
    if (!appOutput.includes('"msg":"configuration loaded"')) throw new Error(`the app log lacks the server's JSON log:\n${appOutput.slice(0, 2000)}`);
    log(`terminal: ${lines.length} lines, all the demo's own; the server's log (${appOutput.split('\n').length} lines) is in the app log`);

    demo.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
    if (code !== 0) throw new Error(`Ctrl-C: the demo ended with ${code}:\n${terminal()}`);
    if (fs.existsSync(path.dirname(appLog))) throw new Error(`Ctrl-C left the demo's temp dir behind: ${path.dirname(appLog)}`);
    log('Ctrl-C stopped the demo (exit 0) and removed its temp dir');
  } finally {
    if (demo.exitCode === null) {
      demo.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
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
