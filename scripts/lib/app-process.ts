/**
 * Starting the built app (`next start` on 127.0.0.1) for the scripts that need one (the demo, the
 * benchmark, the alert replicas), waiting until `/api/health` answers, and stopping it. The
 * standalone smoke test starts the Docker image's own entry point instead and shares the waiting
 * (and stopProcess, in process-tree.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './moto';
import { QUIET_ENV } from './next-build';
import { stopProcess } from './process-tree';
import { sleep } from './wait';

const root = path.resolve(__dirname, '..', '..');
const NEXT_BIN = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

export interface AppProcess {
  base: string;
  port: number;
  child: ChildProcess;
  /** What it printed so far ('' when its output goes to a log file). */
  output: () => string;
  stop: () => Promise<void>;
}

export interface StartAppOptions {
  /** The build to serve (LOCKBOARD_DIST_DIR). */
  distDir: string;
  /** Added to this process's environment (LOCKBOARD_CONFIG, the AWS endpoint…). */
  env?: Record<string, string>;
  /** Default: a free port. */
  port?: number;
  /** Append its output to this file instead of keeping it in memory. */
  logFile?: string;
  /** In a process group of its own, so that Ctrl-C in the terminal reaches only the caller (which stops it). */
  detached?: boolean;
  /** How long `/api/health` may take to answer (default 60 s). */
  timeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 10 s). */
  graceMs?: number;
  /** Named in errors (default "the app"). */
  name?: string;
}

/** Starts the build in `distDir`; resolves once `/api/health` answers (stopping it and throwing if it never does). */
export async function startApp(opts: StartAppOptions): Promise<AppProcess> {
  const port = opts.port ?? (await freePort());
  const logFd = opts.logFile ? fs.openSync(opts.logFile, 'a') : null;
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: root,
    env: { ...process.env, ...QUIET_ENV, NODE_ENV: 'production', LOCKBOARD_DIST_DIR: opts.distDir, ...opts.env },
    stdio: logFd === null ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
    detached: opts.detached ?? false,
  });
  if (logFd !== null) fs.closeSync(logFd);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  const app: AppProcess = { base, port, child, output: () => output, stop: () => stopProcess(child, { group: opts.detached, graceMs: opts.graceMs }) };
  try {
    await waitHealthy(base, child, { timeoutMs: opts.timeoutMs, name: opts.name, output: app.output });
  } catch (e) {
    await app.stop();
    throw e;
  }
  return app;
}

/** Resolves once `<base>/api/health` answers 200; throws when the process ends first or after `timeoutMs`. */
export async function waitHealthy(base: string, child: ChildProcess, { timeoutMs = 60_000, name = 'the app', output = (): string => '' } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const printed = () => (output() ? `:\n${output()}` : '');
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}${printed()}`);
    try {
      if ((await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not answer ${base}/api/health within ${timeoutMs / 1000} s${printed()}`);
    await sleep(200);
  }
}
