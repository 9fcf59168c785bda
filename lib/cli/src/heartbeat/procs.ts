/**
 * Processes as the heartbeat helper sees them, from /proc (Linux): a process is its PID *and* its start
 * time, so a PID reused by another program after Terraform died is never taken for Terraform. Without
 * /proc (macOS) only the wrapper's own child is watched, by `kill(pid, 0)`.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Proc {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22), or '' without /proc. */
  startTicks: string;
  /** Start time in ms since the epoch (from boot time and the ticks), or when the wrapper started it. */
  startMs: number;
}

const HAS_PROC = process.platform === 'linux' && fs.existsSync('/proc/self/stat');
/** Linux's USER_HZ: fixed at 100 for user space on every architecture Node runs on. */
const CLK_TCK = 100;

export const hasProc = () => HAS_PROC;

function statFields(pid: number): string[] | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const close = text.lastIndexOf(')');
    return [String(pid), text.slice(text.indexOf('(') + 1, close), ...text.slice(close + 2).trim().split(' ')];
  } catch {
    return null;
  }
}

let bootMs: number | null = null;
function bootTimeMs(): number {
  if (bootMs === null) {
    const m = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    bootMs = m ? Number(m[1]) * 1000 : 0;
  }
  return bootMs;
}

/** The process with this PID now, or null when there is none. */
export function procOf(pid: number, fallbackStartMs = Date.now()): Proc | null {
  if (!HAS_PROC) {
    try {
      process.kill(pid, 0);
      return { pid, startTicks: '', startMs: fallbackStartMs };
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM' ? { pid, startTicks: '', startMs: fallbackStartMs } : null;
    }
  }
  const f = statFields(pid);
  // Field 3 is the state: a zombie has exited (its parent has not reaped it yet).
  if (!f || f[2] === 'Z' || f[2] === 'X') return null;
  const ticks = f[21]!;
  return { pid, startTicks: ticks, startMs: bootTimeMs() + (Number(ticks) * 1000) / CLK_TCK };
}

/** Whether `p` is still running: same PID and same start time. */
export function isRunning(p: Proc): boolean {
  const now = procOf(p.pid, p.startMs);
  return now !== null && now.startTicks === p.startTicks;
}

/** The PIDs descending from `root` (children, grandchildren…), from every /proc/<pid>/stat's parent. */
export function descendantsOf(root: number): number[] {
  if (!HAS_PROC) return [];
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (!f) continue;
    const ppid = Number(f[3]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0 && out.length < 10_000) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function cmdlineOf(pid: number): string[] | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  } catch {
    return null;
  }
}

export function cwdOf(pid: number): string | null {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/** The variables of a process that choose its state (TF_WORKSPACE, TF_DATA_DIR). */
export function tfEnvOf(pid: number): Record<string, string> | null {
  try {
    const out: Record<string, string> = {};
    for (const entry of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const eq = entry.indexOf('=');
      const name = entry.slice(0, eq);
      if (name === 'TF_WORKSPACE' || name === 'TF_DATA_DIR') out[name] = entry.slice(eq + 1);
    }
    return out;
  } catch {
    return null;
  }
}

const TERRAFORM_NAMES = new Set(['terraform', 'tofu']);

/** Whether an argv is the Terraform (or OpenTofu) command line itself (not a provider plugin, not a wrapper). */
export function isTerraformArgv(argv: readonly string[]): boolean {
  return argv.length > 0 && TERRAFORM_NAMES.has(path.basename(argv[0]!));
}

/** Whether the wrapper is in its terminal's foreground process group (a Ctrl-C reached its whole group). */
export function inTerminalForeground(): boolean {
  if (!HAS_PROC) return false;
  const f = statFields(process.pid);
  // Field 5: process group; field 8: the terminal's foreground process group (-1: no terminal).
  return f !== null && f[7] !== '-1' && f[4] === f[7];
}
