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
