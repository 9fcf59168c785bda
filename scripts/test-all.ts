/**
 * `npm test` (through scripts/bootstrap.mjs, which installs dependencies on a fresh clone): every
 * check, in order — typecheck, lint, unit, integration (against a moto server it starts), build,
 * alert replicas (three built app processes, exactly-once alerting), event replicas (two built app
 * processes in event mode, the same locks within 3 s), the Docker image's files
 * (standalone), the demo as a user runs it, the `lockboard` CLI and MCP server, Playwright end-to-end. It keeps going after a failure so
 * the summary is complete, prints the wall
 * time of each step, ends with "N passed, N failed" and exits non-zero on any failure.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { QUIET_ENV, hasBuild, nextBuild } from './lib/next-build';

const root = path.resolve(__dirname, '..');
const distDir = process.env.LOCKBOARD_DIST_DIR || '.next';
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ...QUIET_ENV,
  LOCKBOARD_DIST_DIR: distDir,
  // The typecheck step covers the whole project; the build need not repeat it.
  LOCKBOARD_SKIP_BUILD_TYPECHECK: '1',
};

/** Exit status of a step, or null when it was not run. */
type Status = number | null;

/** A step that hangs fails after this long instead of holding the whole run (each takes minutes at most). */
const STEP_LIMIT_MS = 25 * 60_000;

// Lines that name what failed (vitest, Playwright, tsc), repeated under the summary so that the end of
// the log alone says which test broke. Only markers of a failed test: a bare "Error:" is also what
// passing tests log on purpose, and would fill the 40 lines kept before the real failure.
const FAILURE_LINE = /(\bFAIL\b|✘|×|\berror TS\d+|AssertionError|\d+ failed|\d+ flaky)/;
const FAILURE_LINES_KEPT = 40;
const failureLines: Record<string, string[]> = {};
let currentStep = '';

function keepFailureLines(chunk: string, carry: { rest: string }): void {
  const lines = (carry.rest + chunk).split('\n');
  carry.rest = lines.pop() ?? '';
  const kept = (failureLines[currentStep] ??= []);
  for (const line of lines) {
    // Colour codes are stripped before matching.
    const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
    if (FAILURE_LINE.test(plain) && kept.length < FAILURE_LINES_KEPT) kept.push(plain.slice(0, 300));
  }
}

/** Runs a command with its output passed through to ours (and scanned for failure lines); resolves to its exit status. */
const command =
  (cmd: string, args: string[], extraEnv: Record<string, string> = {}) =>
  (): Promise<Status> =>
    new Promise((resolve) => {
      const child = spawn(cmd, args, { cwd: root, stdio: ['inherit', 'pipe', 'pipe'], env: { ...env, ...extraEnv } });
      for (const [stream, sink] of [
        [child.stdout, process.stdout],
        [child.stderr, process.stderr],
      ] as const) {
        const carry = { rest: '' };
        stream.on('data', (chunk: Buffer) => {
          sink.write(chunk);
          keepFailureLines(chunk.toString('utf8'), carry);
        });
      }
      const limit = setTimeout(() => child.kill('SIGKILL'), STEP_LIMIT_MS);
      child.on('error', () => resolve(1));
      child.on('close', (code) => {
        clearTimeout(limit);
        resolve(code ?? 1);
      });
    });
const tsxScript = (script: string, args: string[] = [], extraEnv: Record<string, string> = {}) => command(process.execPath, ['--import', 'tsx', script, ...args], extraEnv);

const steps: Array<{ name: string; run: (results: Record<string, Status>) => Status | Promise<Status> }> = [
  { name: 'typecheck', run: command('npx', ['tsc', '--noEmit']) },
  { name: 'lint', run: command('npx', ['eslint', '--max-warnings=0', '.']) },
  { name: 'unit', run: command('npx', ['vitest', 'run', '--project', 'unit', '--project', 'component']) },
  { name: 'integration', run: tsxScript('scripts/with-moto.ts', ['--', 'npx', 'vitest', 'run', '--project', 'integration']) },
  { name: 'build', run: () => nextBuild(distDir, env) },
  {
    // Three replicas of the build on one moto, one killed mid-delivery: every alert exactly once (about a minute).
    name: 'alerts',
    run: (results) => (results.build === 0 && hasBuild(distDir) ? tsxScript('scripts/alert-replicas.ts', [], { ALERTS_SKIP_BUILD: '1' })() : null),
  },
  {
    // Two replicas of the build in event mode (a queue per replica on one topic, the stream read by both): the same locks within 3 s (about 40 s).
    name: 'events',
    run: (results) => (results.build === 0 && hasBuild(distDir) ? tsxScript('scripts/event-replicas.ts', [], { EVENTS_SKIP_BUILD: '1' })() : null),
  },
  {
    // The Docker image's files (parsed from the Dockerfile), run as `nobody`, smoke-tested in Chromium.
    name: 'standalone',
    run: (results) => (results.build === 0 && hasBuild(distDir) ? command('npx', ['tsx', 'scripts/standalone-smoke.ts'], { STANDALONE_SKIP_BUILD: '1' })() : null),
  },
  {
    // `npm run demo` as a user runs it: only its own lines; the dead run's group, a signed webhook delivery; moto killed and restarted with its data (the audit kept).
    name: 'demo',
    run: (results) => (results.build === 0 && hasBuild(distDir) ? tsxScript('scripts/demo-smoke.ts')() : null),
  },
  {
    // The `lockboard` package packed and installed from its tarball, CLI and MCP server against the built app (about 2 minutes).
    name: 'cli',
    run: (results) => (results.build === 0 && hasBuild(distDir) ? command('npx', ['vitest', 'run', '--config', 'lib/cli/vitest.stack.mts'])() : null),
  },
  {
    name: 'e2e',
    // Without a build of this run there is nothing to test: counted as failed, not run.
    run: (results) => (results.build === 0 && hasBuild(distDir) ? tsxScript('scripts/e2e.ts', [], { E2E_SKIP_BUILD: '1' })() : null),
  },
];

async function main(): Promise<void> {
  const results: Record<string, Status> = {};
  const rows: Array<{ name: string; result: string; ok: boolean; seconds: number }> = [];
  const started = Date.now();
  for (const step of steps) {
    console.log(`\n=== ${step.name} ===`);
    currentStep = step.name;
    const t0 = Date.now();
    const status = await step.run(results);
    const seconds = (Date.now() - t0) / 1000;
    results[step.name] = status;
    rows.push({ name: step.name, result: status === null ? 'not run (build failed)' : status === 0 ? 'passed' : `FAILED (exit ${status})`, ok: status === 0, seconds });
  }

  const fmt = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m ${(s % 60).toFixed(0).padStart(2, '0')}s` : `${s.toFixed(1)}s`);
  const width = Math.max(...rows.map((r) => r.result.length), 6);
  for (const r of rows.filter((row) => !row.ok && failureLines[row.name]?.length)) {
    console.log(`\n=== what failed in ${r.name} ===`);
    for (const line of failureLines[r.name] ?? []) console.log(line);
  }
  console.log('\n=== summary ===');
  console.log(`${'step'.padEnd(12)} ${'result'.padEnd(width)} ${'time'.padStart(8)}`);
  for (const r of rows) console.log(`${r.name.padEnd(12)} ${r.result.padEnd(width)} ${fmt(r.seconds).padStart(8)}`);
  console.log(`${'total'.padEnd(12)} ${''.padEnd(width)} ${fmt((Date.now() - started) / 1000).padStart(8)}`);
  const passed = rows.filter((r) => r.ok).length;
  const failed = rows.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

void main();
