/** Child processes of the scripts: a process's tree, and stopping one. */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** The process ids of a process and its descendants (Linux /proc; `next start` may fork its server). */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = fs.readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim();
      if (children) pids.push(...children.split(/\s+/).map(Number));
    } catch {
      // process gone
    }
  }
  return pids;
}

/**
 * Stops a process: SIGTERM (to its whole group with `group`), then SIGKILL if it is still there after
 * `graceMs` (Next's graceful shutdown waits for open keep-alive connections, such as a browser's).
 */
export async function stopProcess(child: ChildProcess, { group = false, graceMs = 10_000 }: { group?: boolean; graceMs?: number } = {}): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (s: NodeJS.Signals) => {
    try {
      if (group) process.kill(-pid, s);
      else child.kill(s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
