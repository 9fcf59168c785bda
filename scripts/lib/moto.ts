// Starts and stops a local moto server (the real AWS-API server used by tests, demo and benchmark).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stopProcess } from './process-tree';
import { sleep } from './wait';

const root = path.resolve(__dirname, '..', '..');

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function onPath(cmd: string): string | null {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || null;
}

/** Path of moto_server: on PATH, in the project venv, or installed into the project venv now. */
export function motoBinary(): string {
  const found = onPath('moto_server');
  if (found) return found;
  const venvBin = path.join(root, '.venv', 'bin', 'moto_server');
  if (fs.existsSync(venvBin)) return venvBin;
  console.log('[moto] moto_server not found: installing moto[server] into .venv');
  const venv = spawnSync('python3', ['-m', 'venv', path.join(root, '.venv')], { stdio: 'inherit' });
  if (venv.status !== 0) throw new Error('python3 -m venv failed; install moto with: python3 -m pip install "moto[server]>=5.2"');
  const pip = spawnSync(path.join(root, '.venv', 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', 'moto[server]>=5.2'], { stdio: 'inherit' });
  if (pip.status !== 0 || !fs.existsSync(venvBin)) throw new Error('installing moto[server] failed');
  return venvBin;
}

async function waitReady(endpoint: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs} ms`);
}

// Python's cyclic garbage collector pauses moto for hundreds of milliseconds at random once it holds
// tens of thousands of objects (the same ListObjectVersions took 6.6-10.9 s with it, 6.1-6.6 s
// without). The benchmark collects on SIGUSR1 between its timed runs, which also turns automatic
// collection off from then on; seeding runs with it on, as usual. (Moto peaks near 5.4 GiB in the
// benchmark either way: that is its in-memory copy of the seeded data, not uncollected cycles.)
const MANUAL_GC_LAUNCHER = [
  'import gc, signal, sys',
  'from moto.server import main',
  'def collect(*_):',
  '    gc.disable()',
  '    gc.collect()',
  'signal.signal(signal.SIGUSR1, collect)',
  'main(sys.argv[1:])',
].join('\n');

/** A Python interpreter that can import moto (for the launchers), or null. */
function motoPython(): string | null {
  for (const python of [path.join(root, '.venv', 'bin', 'python'), 'python3']) {
    if (python.includes(path.sep) && !fs.existsSync(python)) continue;
    if (spawnSync(python, ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

export interface Moto {
  port: number;
  endpoint: string;
  pid: number | undefined;
  stop: () => Promise<void>;
  /** Settles when the process ends, whether stopped or not (a watcher tells the two apart). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True when collectGarbage() works: it collects, and from then on moto's cyclic GC runs only on it. */
  manualGc: boolean;
  collectGarbage: () => Promise<void>;
  /** True when it logs its writes (`writeLog`), so that a restart can replay them. */
  logsWrites: boolean;
}

export interface MotoOptions {
  /** Default: a free port. */
  port?: number;
  /** Its output is appended here (default: dropped). */
  logFile?: string;
  /** Once collectGarbage() has run, moto's cyclic GC runs only when it asks. */
  manualGc?: boolean;
  /**
   * Log every write to `file` (scripts/lib/moto-persistent.py), after replaying the writes of an
   * earlier run's log (`replay`) before it listens: moto's data survives a restart.
   */
  writeLog?: { file: string; replay?: string };
}

/** A write log's size: its writes, and the distinct seconds they were signed in (the replay waits a second between those). */
export function writeLogSize(file: string): { writes: number; seconds: number } {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { writes: 0, seconds: 0 };
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const seconds = new Set(lines.map((l) => /"X-Amz-Date": "(\d{8}T\d{6}Z)"/i.exec(l)?.[1] ?? ''));
  return { writes: lines.length, seconds: seconds.size };
}

/** Starts moto on 127.0.0.1 (given or free port); resolves once it answers. */
export async function startMoto({ port, logFile, manualGc = false, writeLog }: MotoOptions = {}): Promise<Moto> {
  const bin = motoBinary();
  const python = manualGc || writeLog ? motoPython() : null;
  const chosen = port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${chosen}`;
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const args = ['-H', '127.0.0.1', '-p', String(chosen)];
  const stdio: ['ignore', typeof out, typeof out] = ['ignore', out, out];
  const child =
    python && writeLog
      ? spawn(python, [path.join(__dirname, 'moto-persistent.py'), ...(writeLog.replay ? ['--replay', writeLog.replay] : []), ...args], {
          stdio,
          env: { ...process.env, MOTO_ENABLE_RECORDING: 'true', MOTO_RECORDER_FILEPATH: writeLog.file },
        })
      : python
        ? spawn(python, ['-c', MANUAL_GC_LAUNCHER, ...args], { stdio })
        : spawn(bin, args, { stdio });
  if (typeof out === 'number') fs.closeSync(out);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  // A replay waits about a second per distinct second of the log before moto listens.
  const replaySeconds = python && writeLog?.replay ? writeLogSize(writeLog.replay).seconds : 0;
  await waitReady(endpoint, child, 20_000 + replaySeconds * 1_100);
  /** Runs a full collection now; resolves once moto answers again (the handler blocks its loop). */
  const collectGarbage = async () => {
    if (!python || writeLog) return;
    child.kill('SIGUSR1');
    await fetch(`${endpoint}/moto-api/`).then((r) => r.arrayBuffer());
  };
  return {
    port: chosen,
    endpoint,
    stop: () => stopProcess(child, { graceMs: 3_000 }),
    exited,
    pid: child.pid,
    manualGc: python !== null && !writeLog,
    collectGarbage,
    logsWrites: python !== null && writeLog !== undefined,
  };
}

/** Environment that points the AWS SDK (and Terraform) at a moto endpoint with dummy credentials. */
export function awsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    MOTO_ENDPOINT: endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
