/**
 * Test tooling for `lockboard run`: the CLI bundled the way `npm pack` bundles it (lib/cli/build.mjs's
 * esbuild options), into a folder inside the repository so its AWS SDK imports resolve to the
 * repository's node_modules, and a way to start it around a Terraform command in its own process group.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

// Loaded as ESM by vitest and as CommonJS by the bench (tsx): one of the two names this folder.
const root = path.resolve(typeof __dirname === 'string' ? __dirname : import.meta.dirname, '..', '..');
let built: Promise<string> | null = null;

/** Builds lib/cli into node_modules/.cache (once per test process); returns the path of lockboard.js. */
export function buildCli(): Promise<string> {
  built ??= (async () => {
    const outdir = path.join(root, 'node_modules', '.cache', `lockboard-cli-test-${process.pid}`);
    fs.rmSync(outdir, { recursive: true, force: true });
    await build({ entryPoints: [path.join(root, 'lib/cli/src/main.ts')], outdir, entryNames: 'lockboard', splitting: true, chunkNames: 'chunks/[name]-[hash]', bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
    return path.join(outdir, 'lockboard.js');
  })();
  return built;
}

export interface Wrapped {
  /** The wrapper's PID, also its process group (Terraform and the helper are in it). */
  pid: number;
  /** stdout and stderr as they came, interleaved. */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `lockboard run [opts] -- <argv>` in `cwd`, as the leader of its own process group (like a shell job). */
export async function startWrapped(cwd: string, env: NodeJS.ProcessEnv, argv: string[], opts: { interval?: number; stdin?: string } = {}): Promise<Wrapped> {
  const cli = await buildCli();
  const child = spawn(process.execPath, [cli, 'run', '--heartbeat-interval', String(opts.interval ?? 1), '--', ...argv], { cwd, env, detached: true, stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  let out = '';
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return { pid: child.pid!, output: () => out, stdout: () => stdout, stderr: () => stderr, exited };
}

/** The PIDs of a process's children (Linux /proc). */
export function childrenOf(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
