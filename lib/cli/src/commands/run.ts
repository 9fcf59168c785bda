/**
 * `lockboard run -- terraform apply …` (or `tofu`, `terragrunt`): runs the command unchanged — same
 * arguments, the same stdin, stdout and stderr (inherited, never piped), its exit code, and a death by
 * signal re-raised — while a helper process (heartbeat/helper.ts) writes a heartbeat for each lock
 * the run's Terraform holds. The wrapper never reads or writes the command's streams: it touches no
 * `process.stdin/stdout/stderr` stream (which could switch a shared pipe to non-blocking under the
 * command), and writes its own few lines to fd 2 directly.
 *
 * Signals. The command stays in the wrapper's process group, so a terminal keeps it in the foreground
 * (prompts work) and a kill of the group reaches it as before. A signal the group got already (a Ctrl-C
 * at the terminal, a CI runner signalling the group) is not sent again: Terraform takes a second
 * interrupt as "exit immediately" and would leave its lock. A signal sent to the wrapper alone is
 * forwarded once. Which one it was: a keyboard signal while the wrapper is the terminal's foreground
 * group reached the group; otherwise the helper, in the same group, reports what it received.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { DEFAULT_HEARTBEAT_PREFIX } from '../../../api/heartbeat';
import type { Command, CommandContext } from '../command';
import { str } from '../command';
import { usageError } from '../errors';
import type { HelperSpec, ToHelper, ToWrapper } from '../heartbeat/helper';
import { inTerminalForeground } from '../heartbeat/procs';
import { safe } from '../text';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
type Forwarded = (typeof FORWARDED)[number];
/** How long to wait for the helper to say it got the same signal (then it was the wrapper's alone). */
const ECHO_WAIT_MS = 250;
/** How long the wrapper waits, after the command, for the helper to delete its heartbeat. */
const DONE_WAIT_MS = 20_000;

const say = (text: string) => {
  try {
    fs.writeSync(2, `lockboard: ${text}\n`);
  } catch {
    // stderr closed: nothing to tell
  }
};

function intervalOf(ctx: CommandContext): number {
  const raw = str(ctx, 'heartbeat-interval') ?? ctx.io.env.LOCKBOARD_HEARTBEAT_INTERVAL ?? '15';
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1 || n > 3600) throw usageError(`--heartbeat-interval expects seconds between 1 and 3600, got "${safe(raw)}"`);
  return n;
}

/** Starts the helper beside the command; null (said once) when it cannot run. */
function startHelper(spec: HelperSpec, onMessage: (m: ToWrapper) => void): ChildProcess | null {
  try {
    const helper = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '__heartbeat-helper'], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: { ...process.env, LOCKBOARD_HEARTBEAT_SPEC: JSON.stringify(spec) },
    });
    helper.on('message', onMessage);
    helper.on('error', (e) => say(`no heartbeat: the helper could not start (${safe(e.message)})`));
    return helper;
  } catch (e) {
    say(`no heartbeat: the helper could not start (${safe((e as Error).message)})`);
    return null;
  }
}

export async function runWrapped(argv: string[], opts: { intervalSeconds: number; prefix: string; env: NodeJS.ProcessEnv; heartbeat: boolean }): Promise<number> {
  const [cmd, ...args] = argv as [string, ...string[]];
  const startMs = Date.now();
  const child = spawn(cmd, args, { stdio: 'inherit', env: opts.env });
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', (e: NodeJS.ErrnoException) => {
      say(`cannot run ${safe(cmd)}: ${safe(e.code ?? e.message)}`);
      resolve(false);
    });
  });
  if (!spawned || child.pid === undefined) return 127;

  const echoes = new Map<string, number>();
  let echoed: ((s: string) => void) | null = null;
  let helperReady = false;
  let done: () => void = () => undefined;
  const helperDone = new Promise<void>((resolve) => (done = resolve));
  const notices = new Set<string>();
  const helper = opts.heartbeat
    ? startHelper({ child: { pid: child.pid, startMs, cwd: process.cwd(), argv, env: { ...(opts.env.TF_WORKSPACE ? { TF_WORKSPACE: opts.env.TF_WORKSPACE } : {}), ...(opts.env.TF_DATA_DIR ? { TF_DATA_DIR: opts.env.TF_DATA_DIR } : {}) } }, intervalSeconds: opts.intervalSeconds, prefix: opts.prefix, host: os.hostname(), ...(opts.env.LOCKBOARD_HEARTBEAT_LOG ? { log: opts.env.LOCKBOARD_HEARTBEAT_LOG } : {}) }, (m) => {
        if (m.type === 'notice' && !notices.has(m.text)) {
          notices.add(m.text);
          say(safe(m.text));
        } else if (m.type === 'signal') {
          echoes.set(m.signal, Date.now());
          echoed?.(m.signal);
        } else if (m.type === 'ready') helperReady = true;
        else if (m.type === 'done') done();
      })
    : null;
  if (!helper) done();
  else helper.once('exit', () => done());

  let exited = false;
  const forward = async (signal: Forwarded) => {
    if (exited) return;
    // A keyboard signal at the terminal went to the whole foreground group, Terraform included.
    if ((signal === 'SIGINT' || signal === 'SIGQUIT') && inTerminalForeground()) return;
    const got = () => Date.now() - (echoes.get(signal) ?? 0) < 1000;
    if (!got() && helperReady && helper?.connected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ECHO_WAIT_MS);
        echoed = (s) => {
          if (s === signal) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      echoed = null;
    }
    if (!got() && !exited) child.kill(signal);
  };
  const handlers = FORWARDED.map((s) => [s, () => void forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  exited = true;
  if (helper?.connected) helper.send({ type: 'exited', code, signal } satisfies ToHelper);
  await Promise.race([helperDone, new Promise((r) => setTimeout(r, DONE_WAIT_MS).unref())]);
  if (helper?.connected) helper.disconnect();
  helper?.unref();
  for (const [s, h] of handlers) process.off(s, h);
  if (signal) {
    // Die the way the command died, so the caller's shell sees the same signal.
    process.kill(process.pid, signal);
    await new Promise((r) => setTimeout(r, 1000));
    return 128 + (os.constants.signals[signal] ?? 0);
  }
  return code ?? 1;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run terraform, tofu or terragrunt unchanged, with a heartbeat while it holds a lock',
  usage: 'lockboard run [--heartbeat-interval <seconds>] -- <terraform|tofu|terragrunt> [arguments…]',
  details: [
    'Arguments, stdin, stdout, stderr, the exit code and signals pass through unchanged.',
    'While the run holds its state lock, a heartbeat object (<prefix><lock id>/<writer>.json in the state',
    "bucket) is written every interval with the job's own AWS credentials, and deleted when the lock is",
    "released. Terraform's lock itself is never touched. Without permission for it, or with a backend that",
    'is not s3, the command runs anyway and one line on stderr says why there is no heartbeat.',
    'Environment: LOCKBOARD_HEARTBEAT_INTERVAL (seconds), LOCKBOARD_HEARTBEAT=off (no heartbeat).',
  ],
  args: { min: 1, max: Number.MAX_SAFE_INTEGER },
  options: {
    'heartbeat-interval': { type: 'string', value: '<seconds>', help: 'seconds between heartbeats (default 15)' },
    'heartbeat-prefix': { type: 'string', value: '<prefix>', help: `where heartbeats go in the state bucket (default ${DEFAULT_HEARTBEAT_PREFIX})` },
  },
  async run(ctx) {
    const prefix = str(ctx, 'heartbeat-prefix') ?? ctx.io.env.LOCKBOARD_HEARTBEAT_PREFIX ?? DEFAULT_HEARTBEAT_PREFIX;
    if (!/^[A-Za-z0-9!_.*'()/-]{1,200}\/$/.test(prefix)) throw usageError(`--heartbeat-prefix expects a key prefix ending in "/", got "${safe(prefix)}"`);
    const code = await runWrapped(ctx.positionals, { intervalSeconds: intervalOf(ctx), prefix, env: process.env, heartbeat: ctx.io.env.LOCKBOARD_HEARTBEAT !== 'off' });
    // Exit now: the command's streams are its own, nothing of ours is left to flush.
    process.exit(code);
  },
};
